//! The heap a decode uses, measured on its own thread: a global allocator that counts each
//! thread's live bytes, their peak and the largest single request (made even if it fails), so
//! other tests running beside it do not count. libjpeg's own C allocations are not seen.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Meter;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn asked(n: usize) {
    // `try_with`: a thread's allocations after its locals are gone are not counted
    let _ = LARGEST.try_with(|l| l.set(l.get().max(n)));
}

fn grew(n: usize) {
    let _ = LIVE.try_with(|l| {
        l.set(l.get() + n);
        let _ = PEAK.try_with(|p| p.set(p.get().max(l.get())));
    });
}

fn shrank(n: usize) {
    // memory another thread allocated may be freed here
    let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(n)));
}

unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        asked(layout.size());
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        asked(layout.size());
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        asked(new_size);
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

/// What `f` allocated on this thread: its peak live bytes above what was live before, and its
/// largest single request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Used {
    pub peak: usize,
    pub largest: usize,
}

pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Used) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    LARGEST.with(|l| l.set(0));
    let out = f();
    let used = Used {
        peak: PEAK.with(Cell::get) - base,
        largest: LARGEST.with(Cell::get),
    };
    (out, used)
}
