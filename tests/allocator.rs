//! The npm package's allocator (`src/allocator.rs`, feature `allocator`) as the global allocator of
//! this test binary, in Node: blocks keep their contents, honour their alignment, are reused
//! once freed, and large blocks grow memory correctly.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --features allocator --test allocator`
//! (`scripts/test.sh` does).
#![cfg(all(target_arch = "wasm32", feature = "allocator"))]

use std::alloc::{alloc, dealloc, Layout};

// Linked for its `#[global_allocator]` (a crate nothing names would not be linked at all).
use inbox_sender as _;

use wasm_bindgen_test::wasm_bindgen_test;

/// Fills `len` bytes at `ptr` with a pattern derived from `seed`.
fn fill(ptr: *mut u8, len: usize, seed: u8) {
    for i in 0..len {
        // SAFETY: the caller allocated `len` bytes at `ptr`.
        unsafe { ptr.add(i).write(seed.wrapping_add(i as u8)) };
    }
}

/// True when the `len` bytes at `ptr` still hold `fill`'s pattern for `seed`.
fn intact(ptr: *const u8, len: usize, seed: u8) -> bool {
    // SAFETY: the caller allocated `len` bytes at `ptr`.
    (0..len).all(|i| unsafe { ptr.add(i).read() } == seed.wrapping_add(i as u8))
}

#[wasm_bindgen_test]
fn blocks_of_every_size_and_alignment_keep_their_contents() {
    let mut live = Vec::new();
    for (n, size) in [1, 7, 8, 9, 24, 100, 4_096, 65_535, 65_536, 65_537, 300_000]
        .into_iter()
        .enumerate()
    {
        for align in [1, 2, 8, 16, 64, 4_096] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: the layout has a non-zero size.
            let ptr = unsafe { alloc(layout) };
            assert!(!ptr.is_null(), "{size} bytes aligned to {align}");
            assert_eq!(ptr as usize % align, 0, "{size} bytes aligned to {align}");
            fill(ptr, size, n as u8);
            live.push((ptr, layout, n as u8));
        }
    }
    // Nothing overlapped: every block still holds its own pattern.
    for &(ptr, layout, seed) in &live {
        assert!(intact(ptr, layout.size(), seed), "{layout:?}");
    }
    for (ptr, layout, _) in live {
        // SAFETY: allocated above with this layout.
        unsafe { dealloc(ptr, layout) };
    }
}

#[wasm_bindgen_test]
fn a_freed_block_is_reused_by_the_next_allocation_of_its_class() {
    let layout = Layout::from_size_align(48, 8).unwrap();
    // SAFETY: non-zero size; freed with the same layout.
    let first = unsafe { alloc(layout) };
    unsafe { dealloc(first, layout) };
    // 33..=64 bytes share the 64-byte class.
    let same_class = Layout::from_size_align(60, 4).unwrap();
    let second = unsafe { alloc(same_class) };
    assert_eq!(first, second);
    unsafe { dealloc(second, same_class) };
}

#[wasm_bindgen_test]
fn growing_strings_and_vectors_keep_their_contents() {
    let mut text = String::new();
    let mut numbers = Vec::new();
    for i in 0..200_000u32 {
        text.push(char::from(b'a' + (i % 26) as u8));
        numbers.push(i);
    }
    assert!(text
        .bytes()
        .enumerate()
        .all(|(i, b)| b == b'a' + (i % 26) as u8));
    assert!(numbers.iter().enumerate().all(|(i, n)| *n == i as u32));
    numbers.truncate(10);
    numbers.shrink_to_fit();
    assert_eq!(numbers, (0..10).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
fn repeated_sends_worth_of_allocations_do_not_grow_memory() {
    let churn = || {
        for i in 0..1_000 {
            let body = format!("{{\"content\":\"{}\"}}", "x".repeat(i % 300));
            let boxed = vec![0u8; 1 + i % 5_000].into_boxed_slice();
            assert!(body.len() > 10 && !boxed.is_empty());
        }
    };
    churn();
    let pages = core::arch::wasm32::memory_size(0);
    for _ in 0..20 {
        churn();
    }
    assert_eq!(core::arch::wasm32::memory_size(0), pages, "memory grew");
}

#[wasm_bindgen_test]
fn blocks_are_aligned_to_their_size_class_so_this_binary_uses_the_pkg_allocator() {
    // dlmalloc would align these to 8 or 16 bytes; the size-class allocator aligns each block
    // to its power-of-two size (up to a page).
    for (size, class) in [
        (24, 32),
        (3_000, 4_096),
        (40_000, 65_536),
        (200_000, 65_536),
    ] {
        let layout = Layout::from_size_align(size, 1).unwrap();
        // SAFETY: non-zero size; freed right after.
        let ptr = unsafe { alloc(layout) };
        assert_eq!(ptr as usize % class, 0, "{size} bytes");
        unsafe { dealloc(ptr, layout) };
    }
}
