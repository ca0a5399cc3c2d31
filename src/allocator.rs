//! The npm package's allocator (feature `pkg`, wasm32 only): one free list per power-of-two
//! size class, with new blocks carved from memory obtained by `memory.grow`.
//!
//! Hand-written because it is measurably smaller than the well-kept alternatives (talc,
//! Rust's default dlmalloc): the figures are in `bench/README.md`, "Why two pieces are
//! hand-written".
//!
//! The client's allocations are small strings and a few structs per send, freed when the send
//! ends, so a freed block is soon reused by the next send's allocation of the same class and
//! the heap stays flat over any number of sends. In exchange for rounding every request up to
//! a power of two, the code is a fraction of a general-purpose allocator's (it ships to every
//! user). Never memory that was not obtained from `memory.grow` is handed out, and memory is
//! never returned to the host (wasm cannot shrink memory).

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::memory_grow;
use core::cell::UnsafeCell;
use core::ptr;

#[cfg(target_feature = "atomics")]
compile_error!("the pkg allocator is single-threaded; build without the atomics feature");

/// The wasm page size.
const PAGE: usize = 65_536;
/// Size classes 2^0 .. 2^31: every size a 32-bit address space can hold.
const CLASSES: usize = 32;
/// The smallest block: room for the free-list link a free block stores in itself.
const MIN_BLOCK: usize = core::mem::size_of::<*mut u8>();

/// The allocator: size-class free lists over a bump region.
pub(crate) struct Buckets {
    state: UnsafeCell<State>,
}

struct State {
    /// The first free block of each class; each free block holds the address of the next.
    free: [*mut u8; CLASSES],
    /// The next unused byte of the bump region.
    next: usize,
    /// The end of the bump region (the end of memory after the last grow).
    end: usize,
}

// SAFETY: wasm32 without the atomics feature (checked above) runs one thread, so `state` is
// never accessed concurrently.
unsafe impl Sync for Buckets {}

impl Buckets {
    /// An allocator with no memory yet.
    pub(crate) const fn new() -> Self {
        Buckets {
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                next: 0,
                end: 0,
            }),
        }
    }
}

/// The class of a layout: the power of two its block has (at least its size, its alignment
/// and `MIN_BLOCK`), or `None` when no such block exists (or the alignment is over a page).
fn class(size: usize, align: usize) -> Option<usize> {
    if align > PAGE {
        return None;
    }
    let block = size.max(align).max(MIN_BLOCK).checked_next_power_of_two()?;
    Some(block.trailing_zeros() as usize).filter(|c| *c < CLASSES)
}

impl State {
    /// A new block of `class` from the bump region, growing memory when the region is too
    /// small. Blocks are aligned to their size, or to a page for larger ones.
    fn carve(&mut self, class: usize) -> *mut u8 {
        let block = 1usize << class;
        let align = block.min(PAGE);
        let start = self.next.saturating_add(align - 1) & !(align - 1);
        match start.checked_add(block) {
            Some(end) if end <= self.end => {
                self.next = end;
                return start as *mut u8;
            }
            _ => {}
        }
        // `end` is page-aligned, so after growing by the block's pages the block fits whether
        // it starts in the old region's tail or at the start of the new one.
        let pages = block.div_ceil(PAGE);
        let previous = memory_grow(0, pages);
        if previous == usize::MAX {
            return ptr::null_mut();
        }
        let grown = previous * PAGE;
        // Memory grown by someone else (or none yet) leaves a gap: start after it.
        if grown != self.end {
            self.next = grown;
        }
        // At the 4 GiB limit the end is not representable: keep the old one (the block did
        // not fit anyway) and report out of memory.
        let Some(end) = grown.checked_add(pages * PAGE) else {
            return ptr::null_mut();
        };
        self.end = end;
        self.carve(class)
    }
}

// SAFETY: every block handed out lies in memory obtained from `memory.grow` and owned by this
// allocator alone, is at least `layout.size()` bytes, aligned to its size or a page (either is
// >= `layout.align()`), and is handed out again only after `dealloc` returned it.
unsafe impl GlobalAlloc for Buckets {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout.size(), layout.align()) else {
            return ptr::null_mut();
        };
        // SAFETY: single-threaded (see `Sync`), and no reference to the state outlives a call.
        let state = unsafe { &mut *self.state.get() };
        let head = state.free[class];
        if head.is_null() {
            return state.carve(class);
        }
        // SAFETY: a free block of this class stores the next free block's address.
        state.free[class] = unsafe { head.cast::<*mut u8>().read() };
        head
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // `layout` is the one `block` was allocated with, so its class exists.
        let Some(class) = class(layout.size(), layout.align()) else {
            return;
        };
        // SAFETY: as in `alloc`; the block is at least MIN_BLOCK bytes and pointer-aligned.
        unsafe {
            let state = &mut *self.state.get();
            block.cast::<*mut u8>().write(state.free[class]);
            state.free[class] = block;
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if class(new_size, layout.align()) == class(layout.size(), layout.align()) {
            return block;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: the caller's contract for `realloc`, forwarded.
        unsafe {
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            moved
        }
    }
}
