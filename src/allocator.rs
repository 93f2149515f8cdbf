//! The binary's memory allocator: mimalloc for the monitor and the simulator (`sparkdeck
//! sim`), the system allocator for every other command.
//!
//! Measured on the simulator (benches/idle_cpu.py, alternating runs of both builds): left
//! alone, the monitor's few thousand allocations a second run cold, and mimalloc, whose pages
//! the kernel backs with transparent huge pages, cuts its idle CPU to about half (0.35–0.7 %
//! vs 0.6–1.4 % of a core; glibc given huge pages through `GLIBC_TUNABLES` does the same, which
//! a program cannot set for itself). A headless listing keeps 11 MB of rows until it prints
//! them sorted, which the system allocator packs tighter (a 10k-cluster listing peaks at ~38
//! MiB, ~50 under mimalloc without huge pages, ~70 with them). The simulator serving a listing
//! of 10k clusters spent 40 % of its time in glibc's malloc and free: 0.14 → 0.09 s of CPU.
//!
//! The choice is made once, in `main`, before the monitor starts ([`use_mimalloc`]); what was
//! allocated before goes back to the allocator it came from, told apart by mimalloc's own map
//! of the memory it owns.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

pub struct Allocator;

static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// From now on new memory comes from mimalloc.
pub fn use_mimalloc() {
    MIMALLOC.store(true, Ordering::Relaxed);
}

// In the mimalloc library the `mimalloc` crate links (its `-sys` crate declares it only
// behind a feature the registry's current release does not have).
unsafe extern "C" {
    fn mi_is_in_heap_region(p: *const std::ffi::c_void) -> bool;
}

/// Whether mimalloc made the block at `ptr`. Before the switch none did (the flag never goes
/// back), so a headless command's frees go straight to the system allocator.
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: a lookup in mimalloc's page map; any pointer may be asked about.
    MIMALLOC.load(Ordering::Relaxed) && unsafe { mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: each block is freed or resized by the allocator that made it (`from_mimalloc`), and
// both allocators uphold `GlobalAlloc`'s contract themselves.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc(layout) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if from_mimalloc(ptr) {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if from_mimalloc(ptr) {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks made before the switch are freed and grown by the system allocator, blocks made
    /// after by mimalloc, and the contents survive a resize across the switch. (This binary's
    /// global allocator is an `Allocator` too: from the switch on, the test harness itself
    /// allocates from mimalloc and frees its earlier blocks to the system.)
    #[test]
    fn each_block_goes_back_to_its_own_allocator() {
        let a = Allocator;
        let layout = Layout::from_size_align(64, 16).unwrap_or_else(|e| panic!("{e}"));
        unsafe {
            let before = a.alloc(layout);
            assert!(!before.is_null());
            assert!(!from_mimalloc(before));
            before.write_bytes(7, 64);
            use_mimalloc();
            let after = a.alloc_zeroed(layout);
            assert!(from_mimalloc(after));
            assert_eq!(*after.add(63), 0);
            let grown = a.realloc(before, layout, 4096);
            assert!(!from_mimalloc(grown), "a system block stays with the system allocator");
            assert_eq!(*grown.add(63), 7);
            let moved = a.realloc(after, layout, 1 << 20);
            assert!(from_mimalloc(moved));
            a.dealloc(grown, Layout::from_size_align(4096, 16).unwrap_or_else(|e| panic!("{e}")));
            a.dealloc(moved, Layout::from_size_align(1 << 20, 16).unwrap_or_else(|e| panic!("{e}")));
        }
    }
}
