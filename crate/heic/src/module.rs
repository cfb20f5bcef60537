//! The wasm module's exports, a plain C ABI (no bindings generator: the module is one
//! function and JS reads its answer from memory, www/src/shared/heic.js). One call at a time:
//! the answer stays in [`OUT`] until the next.

use std::cell::RefCell;

thread_local! {
    static OUT: RefCell<(u32, u32, Vec<u8>)> = const { RefCell::new((0, 0, Vec::new())) };
}

/// `len` bytes for the caller to fill with a file.
#[no_mangle]
pub extern "C" fn heic_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Decodes the file at `ptr..ptr + len` (from [`heic_alloc`], freed here). Returns 0 with the
/// pixels in [`heic_out_ptr`], or 1 with the reason (UTF-8) there.
///
/// # Safety
/// `ptr` and `len` are one [`heic_alloc`] call's.
#[no_mangle]
pub unsafe extern "C" fn heic_decode(ptr: *mut u8, len: usize) -> u32 {
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let (status, out) = match crate::decode(&bytes) {
        Ok(img) => (0, (img.width, img.height, img.data)),
        Err(e) => (1, (0, 0, e.to_string().into_bytes())),
    };
    drop(bytes);
    OUT.with(|o| *o.borrow_mut() = out);
    status
}

#[no_mangle]
pub extern "C" fn heic_out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().2.as_ptr())
}

#[no_mangle]
pub extern "C" fn heic_out_len() -> usize {
    OUT.with(|o| o.borrow().2.len())
}

#[no_mangle]
pub extern "C" fn heic_out_width() -> u32 {
    OUT.with(|o| o.borrow().0)
}

#[no_mangle]
pub extern "C" fn heic_out_height() -> u32 {
    OUT.with(|o| o.borrow().1)
}

/// Frees the answer once JS has copied it.
#[no_mangle]
pub extern "C" fn heic_out_free() {
    OUT.with(|o| *o.borrow_mut() = (0, 0, Vec::new()));
}
