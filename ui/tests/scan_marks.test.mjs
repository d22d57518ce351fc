// Unit tests of the scan → balance marks: node --test ui/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { MarkRing, afterNextPaint } from "../scan_marks.js";

test("marks are numbered, and a reader gets only those after the last it saw", () => {
  const ring = new MarkRing(10);
  ring.add({ startedAt: 1, shownAt: 5 });
  ring.add({ startedAt: 10, shownAt: 12 });
  assert.deepEqual(ring.since(0), [
    { n: 1, startedAt: 1, shownAt: 5 },
    { n: 2, startedAt: 10, shownAt: 12 },
  ]);
  assert.deepEqual(ring.since(1), [{ n: 2, startedAt: 10, shownAt: 12 }]);
  assert.deepEqual(ring.since(2), []);
});

test("only the last marks are kept", () => {
  const ring = new MarkRing(3);
  for (let i = 1; i <= 5; i++) ring.add({ startedAt: i, shownAt: i + 1 });
  assert.deepEqual(ring.since(0).map((m) => m.n), [3, 4, 5]);
  assert.equal(ring.count, 5);
});

// A window whose frames and tasks the test runs by hand, logging what runs when.
function fakeWindow(log) {
  const frames = [];
  const tasks = [];
  let now = 100;
  class MessageChannel {
    constructor() {
      const port1 = { onmessage: null, close: () => log.push("closed") };
      this.port1 = port1;
      this.port2 = { postMessage: () => tasks.push(() => port1.onmessage({})) };
    }
  }
  return {
    MessageChannel,
    performance: { now: () => now },
    requestAnimationFrame: (fn) => frames.push(fn),
    frame() {
      now += 16;
      log.push("frame");
      for (const fn of frames.splice(0)) fn();
      log.push("painted");
    },
    runTasks() {
      for (const task of tasks.splice(0)) task();
    },
  };
}

test("the time is taken after the next frame has been rendered, not before", () => {
  const log = [];
  const win = fakeWindow(log);
  afterNextPaint((time) => log.push(`done at ${time}`), win);
  win.runTasks();
  assert.deepEqual(log, [], "nothing before a frame");
  win.frame();
  assert.deepEqual(log, ["frame", "painted"], "not inside the frame");
  win.runTasks();
  assert.deepEqual(log, ["frame", "painted", "closed", "done at 116"]);
});
