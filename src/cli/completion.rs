//! `sparkdeck completion SHELL`: the shell's completion script on standard output, generated
//! by clap_complete from the same clap definitions `--help` shows (so it never goes stale).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::context::{CmdResult, fail};

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Install, for example:\n  \
    bash: sparkdeck completion bash > ~/.local/share/bash-completion/completions/sparkdeck\n  \
    zsh:  sparkdeck completion zsh > \"${fpath[1]}/_sparkdeck\"\n  \
    fish: sparkdeck completion fish > ~/.config/fish/completions/sparkdeck.fish")]
pub struct CompletionArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The script for `shell`, as text.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut super::Cli::command(), "sparkdeck", &mut out);
    out
}

pub fn run(args: &CompletionArgs) -> CmdResult {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script(args.shell)).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(fail(1, format!("cannot write the completion script: {e}")))
        }
        _ => Ok(()),
    }
}
