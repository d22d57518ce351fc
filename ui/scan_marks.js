// The UI's own timestamps of "scan → balance on screen" (docs/design.md §10): when a scan's
// first key and its terminator came, when its answer was put into the page and when that was
// on screen, all in performance.now() time.
// Always on and cheap (a few numbers per scan, the last `MARKS_KEPT` kept); the benchmark
// (benches/scan_window.rs) reads them from the window. No card code is kept.

export const MARKS_KEPT = 500;

// The last `size` marks, each numbered (`n`, from 1) so a reader can ask for the new ones.
export class MarkRing {
  constructor(size = MARKS_KEPT) {
    this.size = size;
    this.count = 0;
    this.marks = [];
  }

  add(mark) {
    this.count += 1;
    this.marks.push({ n: this.count, ...mark });
    if (this.marks.length > this.size) this.marks.shift();
  }

  // The marks numbered after `n`.
  since(n) {
    return this.marks.filter((mark) => mark.n > n);
  }
}

// Calls `done(time)` once the frame showing the DOM as it is now has been rendered: the next
// animation frame runs before that frame's style, layout and paint, so the time is taken in
// the task that follows it.
export function afterNextPaint(done, win = globalThis) {
  win.requestAnimationFrame(() => {
    const channel = new win.MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done(win.performance.now());
    };
    channel.port2.postMessage(null);
  });
}
