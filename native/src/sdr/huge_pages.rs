//! Transparent huge pages for the big PC1 buffers. Labels read 13 random parents per node from two layers and the
//! parent cache (together 1.9 GiB for 512 MiB sectors); with 4 KiB pages nearly every read is also a TLB miss.
//! `madvise(MADV_HUGEPAGE)` before the first touch lets the kernel back them with 2 MiB pages where THP is in
//! "madvise" mode (the Debian default). Purely a hint: the bytes computed are the same either way.

extern "C" {
    fn madvise(addr: *mut u8, len: usize, advice: i32) -> i32;
}

const MADV_HUGEPAGE: i32 = 14;
const PAGE: usize = 4096;

/// Advises huge pages for the page-aligned interior of `buf` (call before writing to it).
pub fn advise<T>(buf: &mut [T]) {
    let start = buf.as_mut_ptr() as usize;
    let end = start + std::mem::size_of_val(buf);
    let a = start.div_ceil(PAGE) * PAGE;
    let b = end / PAGE * PAGE;
    if b > a + (2 << 20) {
        // SAFETY: the range lies inside `buf`; MADV_HUGEPAGE never changes its contents.
        unsafe {
            madvise(a as *mut u8, b - a, MADV_HUGEPAGE);
        }
    }
}

/// A zeroed Vec whose pages are advised huge before first touch.
pub fn zeroed_vec<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    // SAFETY: the spare capacity is only advised, then fully initialised below.
    unsafe {
        advise(std::slice::from_raw_parts_mut(v.as_mut_ptr(), n));
    }
    v.resize(n, T::default());
    v
}
