//! What a wasm trap leaves for JS to read. A panic aborts as `unreachable` and a failed
//! allocation aborts the same way, so the page sees only a `RuntimeError`: the panic hook and
//! the allocator below record why, in memory that needs no allocation to write or read, and
//! `lastTrap()` (src/wasm/diagnostics.rs) hands it to the JS library, which reports it in the
//! WORKER_CRASHED error and replaces the instance.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const CAPACITY: usize = 1024;

/// The first panic's message and location, cut at CAPACITY bytes. The first one is kept: a
/// second panic while the first is reported is a consequence, not the cause.
static PANIC: Mutex<Message> = Mutex::new(Message {
    bytes: [0; CAPACITY],
    len: 0,
});
/// The size of the first allocation that failed (0: none), and the memory size then.
static FAILED_ALLOC: AtomicUsize = AtomicUsize::new(0);
static MEMORY_AT_FAILURE: AtomicUsize = AtomicUsize::new(0);

struct Message {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Write for Message {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        // whole characters only, so the kept bytes stay UTF-8
        for c in s.chars() {
            let n = c.len_utf8();
            if self.len + n > CAPACITY {
                return Err(std::fmt::Error);
            }
            c.encode_utf8(&mut self.bytes[self.len..]);
            self.len += n;
        }
        Ok(())
    }
}

/// Installs the hook: the message is kept, then shown on the console as before.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            // try_lock: a panic while the message is being read must not deadlock
            if let Ok(mut m) = PANIC.try_lock() {
                if m.len == 0 {
                    let _ = write!(m, "{info}");
                }
            }
            console_error_panic_hook::hook(info);
        }));
    });
}

/// Why the instance trapped, if it recorded a reason (the panic message, else the allocation
/// that failed), written into `out` without allocating: after a failed allocation there may be
/// no memory left for a String. Returns the length written (0: no reason recorded).
pub fn last_into(out: &mut [u8]) -> usize {
    let mut tmp = Message {
        bytes: [0; CAPACITY],
        len: 0,
    };
    if let Ok(m) = PANIC.try_lock() {
        if m.len > 0 {
            let _ = tmp.write_str(std::str::from_utf8(&m.bytes[..m.len]).unwrap_or("panic"));
        }
    }
    if tmp.len == 0 {
        let size = FAILED_ALLOC.load(Ordering::Relaxed);
        if size > 0 {
            let _ = write!(
                tmp,
                "memory allocation of {size} bytes failed (wasm memory: {} MiB)",
                MEMORY_AT_FAILURE.load(Ordering::Relaxed) >> 20
            );
        }
    }
    let n = tmp.len.min(out.len());
    out[..n].copy_from_slice(&tmp.bytes[..n]);
    n
}

static ARMED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// For the tests: the next inference panics (1) or fails to allocate (2), as a real trap
/// would, so that the path from a trap to a replaced instance is tested end to end.
pub fn arm(kind: u8) {
    ARMED.store(kind, Ordering::Relaxed);
}

/// Called at the start of an inference: fires what `arm` set.
pub fn fire_if_armed() {
    match ARMED.swap(0, Ordering::Relaxed) {
        1 => panic!("a panic armed by the tests"),
        2 => {
            // 1 GiB blocks until the 4 GiB of a wasm32 memory are gone: memory.grow fails and
            // the allocation is refused (the blocks are never touched)
            let mut kept: Vec<Vec<u8>> = Vec::new();
            for _ in 0..8 {
                kept.push(Vec::with_capacity(1 << 30));
            }
            std::hint::black_box(kept);
        }
        _ => {}
    }
}

/// The system allocator, noting the first failure (the abort that follows says nothing).
pub struct Recording;

fn note_failure(size: usize) {
    if FAILED_ALLOC
        .compare_exchange(0, size.max(1), Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
    {
        MEMORY_AT_FAILURE.store(core::arch::wasm32::memory_size(0) << 16, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            note_failure(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            note_failure(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            note_failure(new_size);
        }
        p
    }
}
