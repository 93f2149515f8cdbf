//! The simulator's side of the create half, driven over plain HTTP as any client would: OneLake's
//! ADLS Gen2 rules (token audience, `x-ms-version`, create/append/flush positions, storage error
//! bodies), batches that fail as Fabric fails when their file is missing, environments, and the
//! lists pickers read. Simulated time is frozen (speed 0) and moved with `sim.advance`.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sparkdeck::sim::{Sim, SimOptions};

struct Fx {
    sim: Sim,
    http: reqwest::Client,
    ws: String,
    lh: String,
    token: String,
}

async fn start() -> Fx {
    let opts = SimOptions { speed: 0.0, ..SimOptions::default() };
    let sim = Sim::start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await.unwrap_or_else(|e| panic!("{e}"));
    let demo = sim.shared().fabric().demo_workspaces()[0].clone();
    Fx {
        http: reqwest::Client::new(),
        ws: demo.workspace_id,
        lh: demo.lakehouses[0].0.clone(),
        token: demo.token,
        sim,
    }
}

fn jwt(claims: Value) -> String {
    let enc = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", enc(&json!({"alg": "none"})), enc(&claims))
}

impl Fx {
    fn file_url(&self, path: &str) -> String {
        format!("{}/onelake/{}/{}/Files/{path}", self.sim.base_url(), self.ws, self.lh)
    }

    fn livy(&self, rel: &str) -> String {
        format!(
            "{}/v1/workspaces/{}/lakehouses/{}/livyapi/versions/2023-12-01{rel}",
            self.sim.base_url(),
            self.ws,
            self.lh
        )
    }

    async fn lake(
        &self,
        method: Method,
        url: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, Value) {
        let mut req =
            self.http.request(method, url).bearer_auth(&self.token).header("x-ms-version", "2023-11-03");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.body(body.to_string()).send().await.unwrap_or_else(|e| panic!("{e}"));
        let status = resp.status();
        let code = resp.headers().get("x-ms-error-code").and_then(|v| v.to_str().ok()).map(str::to_string);
        let text = resp.text().await.unwrap_or_default();
        (status, code, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn fabric(&self, method: Method, url: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn onelake_writes_files_in_three_steps_and_reads_them_back() {
    let fx = start().await;
    let url = fx.file_url("dir/job.py");
    assert_eq!(fx.lake(Method::HEAD, &url, "", &[]).await.1.as_deref(), Some("PathNotFound"));
    assert_eq!(
        fx.lake(Method::PUT, &format!("{url}?resource=file"), "", &[("if-none-match", "*")]).await.0,
        StatusCode::CREATED
    );
    let (status, code, body) =
        fx.lake(Method::PUT, &format!("{url}?resource=file"), "", &[("if-none-match", "*")]).await;
    assert_eq!((status, code.as_deref()), (StatusCode::CONFLICT, Some("PathAlreadyExists")));
    assert_eq!(body["error"]["code"], "PathAlreadyExists");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("\nRequestId:")), "{body}");
    assert_eq!(
        fx.lake(Method::PATCH, &format!("{url}?action=append&position=0"), "print(", &[]).await.0,
        StatusCode::ACCEPTED
    );
    // A gap is refused; repeating the last append (a retry) is not.
    let (status, code, _) =
        fx.lake(Method::PATCH, &format!("{url}?action=append&position=9"), "x", &[]).await;
    assert_eq!((status, code.as_deref()), (StatusCode::BAD_REQUEST, Some("InvalidAppendPosition")));
    assert_eq!(
        fx.lake(Method::PATCH, &format!("{url}?action=append&position=0"), "print(", &[]).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        fx.lake(Method::PATCH, &format!("{url}?action=append&position=6"), "1)\n", &[]).await.0,
        StatusCode::ACCEPTED
    );
    // Nothing is readable before the flush, and the flush must name the whole length.
    let (_, _, empty) = fx.lake(Method::GET, &url, "", &[]).await;
    assert_eq!(empty, Value::String(String::new()));
    let (status, code, _) = fx.lake(Method::PATCH, &format!("{url}?action=flush&position=5"), "", &[]).await;
    assert_eq!((status, code.as_deref()), (StatusCode::BAD_REQUEST, Some("InvalidFlushPosition")));
    assert_eq!(
        fx.lake(Method::PATCH, &format!("{url}?action=flush&position=9"), "", &[]).await.0,
        StatusCode::OK
    );
    let (_, _, text) = fx.lake(Method::GET, &url, "", &[]).await;
    assert_eq!(text, Value::String("print(1)\n".into()));
    // The name form reaches the same file.
    let demo = fx.sim.shared().fabric().demo_workspaces()[0].clone();
    let by_name = format!(
        "{}/onelake/{}/{}.Lakehouse/Files/dir/job.py",
        fx.sim.base_url(),
        demo.name.replace(' ', "%20"),
        demo.lakehouses[0].1
    );
    assert_eq!(fx.lake(Method::GET, &by_name, "", &[]).await.2, Value::String("print(1)\n".into()));
}

#[tokio::test]
async fn onelake_wants_a_storage_token_and_its_version_header() {
    let fx = start().await;
    let url = fx.file_url("a.py");
    let exp = jiff::Timestamp::now().as_second() + 3600;
    let call = |token: String, version: bool| {
        let mut req = fx.http.head(&url).bearer_auth(token);
        if version {
            req = req.header("x-ms-version", "2023-11-03");
        }
        req.send()
    };
    let status = |r: reqwest::Response| {
        (r.status(), r.headers().get("x-ms-error-code").and_then(|v| v.to_str().ok()).map(str::to_string))
    };
    let fabric_token = jwt(json!({"aud": "https://api.fabric.microsoft.com", "exp": exp}));
    let r = call(fabric_token, true).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.headers()
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap_or_default().contains("storage.azure.com"))
    );
    assert_eq!(status(r), (StatusCode::UNAUTHORIZED, Some("InvalidAuthenticationInfo".into())));
    let storage = jwt(json!({"aud": "https://storage.azure.com/", "exp": exp}));
    let r = call(storage.clone(), false).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status(r), (StatusCode::BAD_REQUEST, Some("MissingRequiredHeader".into())));
    let r = call(storage, true).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status(r), (StatusCode::NOT_FOUND, Some("PathNotFound".into())));
}

#[tokio::test]
async fn a_batch_whose_file_is_missing_fails_as_fabric_fails() {
    let fx = start().await;
    let file = format!("abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/not/there.py", fx.ws, fx.lh);
    let (status, created) =
        fx.fabric(Method::POST, &fx.livy("/batches"), Some(json!({"file": file, "name": "ghost"}))).await;
    assert_eq!(status, StatusCode::ACCEPTED, "the service accepts it; Spark fails to fetch the file");
    let id = created["id"].as_str().unwrap_or_default().to_string();
    fx.sim.advance(Duration::from_secs(60));
    let (_, b) = fx.fabric(Method::GET, &fx.livy(&format!("/batches/{id}")), None).await;
    assert_eq!((b["state"].as_str(), b["result"].as_str()), (Some("dead"), Some("Failed")), "{b}");
    let message = b["errorInfo"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("java.io.FileNotFoundException") && message.contains("/Files/not/there.py"),
        "{message}"
    );
    assert!(b["log"].to_string().contains("The specified path does not exist."), "{b}");
    // A JAR without its main class fails the way spark-submit does.
    let jar =
        format!("abfss://{}@onelake.dfs.fabric.microsoft.com/{}/Files/jobs/orders_ingest.py", fx.ws, fx.lh)
            .replace(".py", ".jar");
    fx.lake(Method::PUT, &format!("{}?resource=file", fx.file_url("jobs/orders_ingest.jar")), "", &[]).await;
    fx.lake(
        Method::PATCH,
        &format!("{}?action=flush&position=0", fx.file_url("jobs/orders_ingest.jar")),
        "",
        &[],
    )
    .await;
    let (_, created) = fx.fabric(Method::POST, &fx.livy("/batches"), Some(json!({"file": jar}))).await;
    fx.sim.advance(Duration::from_secs(60));
    let (_, b) = fx
        .fabric(
            Method::GET,
            &fx.livy(&format!("/batches/{}", created["id"].as_str().unwrap_or_default())),
            None,
        )
        .await;
    assert!(
        b["errorInfo"][0]["message"].as_str().is_some_and(|m| m.contains("No main class set in JAR")),
        "{b}"
    );
}

#[tokio::test]
async fn environments_are_listed_checked_and_packaged() {
    let fx = start().await;
    let (status, envs) = fx
        .fabric(Method::GET, &format!("{}/v1/workspaces/{}/environments", fx.sim.base_url(), fx.ws), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let ml = envs["value"]
        .as_array()
        .and_then(|v| v.iter().find(|e| e["displayName"] == "env_ml_libs"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ml["type"], "Environment");
    let (_, lakehouses) = fx
        .fabric(Method::GET, &format!("{}/v1/workspaces/{}/lakehouses", fx.sim.base_url(), fx.ws), None)
        .await;
    assert!(
        lakehouses["value"][0]["properties"]["oneLakeFilesPath"]
            .as_str()
            .is_some_and(|p| p.ends_with("/Files")),
        "{lakehouses}"
    );

    let details =
        |id: &str| json!({"conf": {"spark.fabric.environmentDetails": format!("{{\"id\" : \"{id}\"}}")}});
    let (status, body) = fx
        .fabric(Method::POST, &fx.livy("/sessions"), Some(details("00000000-0000-4000-8000-00000000dead")))
        .await;
    assert_eq!((status, body["errorCode"].as_str()), (StatusCode::NOT_FOUND, Some("ItemNotFound")), "{body}");
    let (status, body) = fx
        .fabric(Method::POST, &fx.livy("/batches"), Some(json!({"file": "Files/jobs/orders_ingest.py", "conf": {"spark.fabric.environmentDetails": "env"}})))
        .await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("InvalidHttpRequestToLivy")),
        "{body}"
    );

    // A session on an environment with libraries spends a while packaging them.
    let (status, created) = fx
        .fabric(Method::POST, &fx.livy("/sessions"), Some(details(ml["id"].as_str().unwrap_or_default())))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let url = fx.livy(&format!("/sessions/{}", created["id"].as_str().unwrap_or_default()));
    fx.sim.advance(Duration::from_secs(5));
    assert_eq!(
        fx.fabric(Method::GET, &url, None).await.1["fabricSessionStateInfo"]["state"],
        "libraryPackaging"
    );
    fx.sim.advance(Duration::from_secs(90));
    let (_, s) = fx.fabric(Method::GET, &url, None).await;
    assert_eq!(s["state"], "idle", "{s}");
    assert!(s["log"].to_string().contains("Using environment env_ml_libs"), "{s}");
}
