'use strict';
// Moves a call's bytes over Node's own sockets, on the JavaScript thread.
//
// Handing a call to the SDK's runtime thread and back costs two cross-thread wake-ups, most of
// a loopback call's time on these VMs (BENCHMARKS.md). Here no thread of the SDK is involved:
// this file connects, writes and waits (libuv does, as for any socket), and the native client's
// calls and `NativeWire`s (the core's `bridge::Exchange` and `bridge::Wire`) do everything
// that decides an outcome: the request's bytes, TLS (rustls, with the SDK's roots and
// `caCertificates`), the framing of the answer, decoding, errors and retries. They are the
// blocking path's, so every transport gives the same answers to the same faults.
//
// Since nothing runs on another thread, nothing can outlive the host: a worker that is
// terminated takes its sockets and timers with it.

const net = require('node:net');

// How long an idle connection is kept (the runtime path's pool_idle_timeout).
const IDLE_MS = 60_000;
// Connections kept; more in flight at once are closed when done.
const MAX_IDLE = 256;
// Node's timers take at most 2^31 - 1 ms (24.8 days) and fire at once beyond: longer timeouts,
// which the core accepts, are that long.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Every connection's reads land in this one buffer (`onread`) and go straight to the attempt:
// no Buffer per read and none of the stream's 'data' machinery, about 6 µs of a call on an idle
// host (BENCHMARKS.md). One is enough: a read is handled on this thread before the next, and the
// native side copies what it keeps.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A native call that threw (a bug: a panic caught at the boundary) as an `internal` outcome. */
function internal(e) {
  return {
    ok: false,
    keep: false,
    error: {
      code: 'internal',
      family: 'internal',
      message: `the SDK's transport failed (${e && e.message}); please report this bug`,
      request_sent: null,
    },
  };
}

/** Why connecting failed, in the words of the other transports. */
function connectFailure(e, host) {
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_NONAME') {
    return ['connect', `cannot resolve ${host}: ${e.message}`];
  }
  if (e.code === 'ETIMEDOUT') return ['connect_timeout', ''];
  return ['connect', e.message];
}

/** One socket and its native state, kept between calls. */
class Connection {
  constructor(socket, wire, timeoutMs) {
    this.socket = socket;
    this.wire = wire;
    // The attempt using it; null while idle.
    this.attempt = null;
    // When it was last released.
    this.idleSince = 0;
    // The attempt's deadline: one timer per connection, re-armed by each attempt with
    // `refresh()` rather than created and cleared per call. It may fire while the connection is
    // idle, and then does nothing; it never holds the process (a running attempt's socket does).
    this.deadline = setTimeout(() => this.attempt?.deadline(), Math.min(timeoutMs, MAX_TIMER_MS));
    this.deadline.unref();
    // Whether the TLS handshake (if any) is done, once it was seen to be: it stays done, so
    // reads after it skip a native call.
    this.ready = false;
  }

  isReady() {
    if (!this.ready) this.ready = this.wire.ready;
    return this.ready;
  }
}

/**
 * One attempt of a call: connect (or take a kept connection), send, read the answer, and
 * settle with the native side's step. A class rather than closures: one object per attempt on
 * every call's path. Every native call is caught here, so a bug settles the call as `internal`
 * and never throws inside a socket's event handler (which would end the process).
 */
class Attempt {
  constructor(transport, id, resolve) {
    this.transport = transport;
    this.id = id;
    this.resolve = resolve;
    this.conn = null;
    this.sent = false;
    this.over = false;
    this.connectTimer = null;
  }

  /** Parses a native step (JSON text) and ends the attempt with it. */
  settle(text) {
    let step;
    try {
      step = JSON.parse(text);
    } catch (e) {
      step = internal(e);
    }
    this.finish(step);
  }

  finish(step) {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.connectTimer);
    const { transport, conn, id } = this;
    if (conn !== null) {
      conn.attempt = null;
      if (step.keep) transport.release(conn);
      else transport.discard(conn);
    }
    if (step.retry_ms !== undefined) {
      setTimeout(() => transport.attempt(id, this.resolve), step.retry_ms);
      return;
    }
    // After an internal error the native side may still hold the call.
    if (step.error?.code === 'internal') transport.native.abandon(id);
    this.resolve(step);
  }

  fail(kind, cause = '') {
    let text;
    try {
      text = this.transport.native.failed(this.id, kind, cause);
    } catch (e) {
      return this.finish(internal(e));
    }
    this.settle(text);
  }

  send() {
    clearTimeout(this.connectTimer);
    let out;
    try {
      out = this.transport.native.send(this.id, this.conn.wire);
    } catch (e) {
      return this.finish(internal(e));
    }
    this.sent = true;
    this.conn.socket.write(out);
  }

  /** Writes what TLS has to send (a handshake's records); false if that failed. */
  flush() {
    let out;
    try {
      out = this.conn.wire.outgoing();
    } catch (e) {
      this.finish(internal(e));
      return false;
    }
    if (out !== null) this.conn.socket.write(out);
    return true;
  }

  // The events of the attempt's connection.

  /** The whole attempt, connecting included, as on the other transports. */
  deadline() {
    this.fail(this.sent ? 'timeout' : 'connect_timeout');
  }

  connected() {
    if (this.over) return;
    if (this.conn.isReady()) return this.send();
    // TLS: the ClientHello; the server's answer arrives through `data`.
    this.flush();
  }

  /** The first `length` bytes of `buffer` arrived. */
  data(buffer, length) {
    const { conn } = this;
    const { wire } = conn;
    const wasReady = conn.ready;
    let text;
    try {
      text = this.transport.native.receive(this.id, wire, buffer, length);
    } catch (e) {
      return this.finish(internal(e));
    }
    if (text !== null) return this.settle(text);
    if (!wasReady && this.flush() && conn.isReady()) this.send();
  }

  end() {
    if (!this.sent) return this.fail('connect', 'the server closed the connection before the request was sent');
    let text;
    try {
      text = this.transport.native.closed(this.id, this.conn.wire);
    } catch (e) {
      return this.finish(internal(e));
    }
    this.settle(text);
  }

  error(e) {
    if (!this.sent) return this.fail(...connectFailure(e, this.transport.target.host));
    this.fail('broken', e.message);
  }
}

/** A client's connections and the calls running on them. */
class Transport {
  #idle = [];
  // Closes connections idle for IDLE_MS; runs only while some are idle.
  #sweeper = null;

  /** `native`: the client's `NativeClient`, whose `begin` made the calls given to `run`. */
  constructor(native) {
    this.native = native;
    this.target = native.target;
  }

  /** Runs call `id` to its end: resolves to `{ ok, value | error }`, never rejects. */
  run(id) {
    return new Promise((resolve) => this.attempt(id, resolve));
  }

  /** Starts an attempt of call `id`. */
  attempt(id, resolve) {
    const attempt = new Attempt(this, id, resolve);
    // Also run from a retry's timer, where a throw would end the process: a bug settles the
    // call as `internal` instead.
    try {
      this.#start(attempt);
    } catch (e) {
      attempt.finish(internal(e));
    }
  }

  #start(attempt) {
    const { id } = attempt;
    const kept = this.#take();
    if (kept !== null) {
      attempt.conn = kept;
      kept.attempt = attempt;
      kept.deadline.refresh();
      return attempt.send();
    }
    let wire;
    try {
      wire = this.native.wire(id);
    } catch (e) {
      return attempt.finish(internal(e));
    }
    // The connection could not even be set up: a step (JSON text).
    if (typeof wire === 'string') return attempt.settle(wire);
    const { host, port, timeout_ms: timeoutMs, connect_timeout_ms: connectMs } = this.target;
    let conn = null;
    const onread = {
      buffer: READ_BUFFER,
      callback: (length, buffer) => {
        if (conn.attempt) conn.attempt.data(buffer, length);
        else this.discard(conn);
      },
    };
    const socket = net.connect({ host, port, onread });
    socket.setNoDelay(true);
    conn = new Connection(socket, wire, timeoutMs);
    attempt.conn = conn;
    conn.attempt = attempt;
    this.#watch(conn);
    attempt.connectTimer = setTimeout(() => attempt.fail('connect_timeout'), Math.min(connectMs, MAX_TIMER_MS));
    socket.once('connect', () => attempt.connected());
  }

  /**
   * Routes a connection's end, errors and close to the attempt using it (its reads go through
   * `onread`, set in `#start`); an idle one that hears anything is closed.
   */
  #watch(conn) {
    const { socket } = conn;
    socket.on('end', () => (conn.attempt ? conn.attempt.end() : this.discard(conn)));
    socket.on('error', (e) => (conn.attempt ? conn.attempt.error(e) : this.discard(conn)));
    socket.on('close', () => {
      if (conn.attempt) conn.attempt.error(new Error('the connection closed'));
      else this.discard(conn);
    });
  }

  /** A kept connection that is still open, or null. All of a client's calls share one origin. */
  #take() {
    const idle = this.#idle;
    while (idle.length > 0) {
      const conn = idle.pop();
      if (conn.socket.destroyed || conn.socket.readyState !== 'open') {
        this.discard(conn);
        continue;
      }
      conn.socket.ref();
      return conn;
    }
    return null;
  }

  #sweep() {
    const now = performance.now();
    for (const conn of this.#idle.filter((c) => now - c.idleSince >= IDLE_MS)) this.discard(conn);
    if (this.#idle.length === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }

  /** Keeps a connection whose attempt ended in step with the server, for the next call. */
  release(conn) {
    const { socket } = conn;
    const idle = this.#idle;
    if (socket.destroyed || idle.length >= MAX_IDLE) return this.discard(conn);
    // An idle connection never keeps the process alive, and is closed after a while.
    socket.unref();
    conn.idleSince = performance.now();
    idle.push(conn);
    if (this.#sweeper === null) {
      this.#sweeper = setInterval(() => this.#sweep(), IDLE_MS / 4);
      this.#sweeper.unref();
    }
  }

  /** Closes a connection (idempotent). */
  discard(conn) {
    conn.attempt = null;
    clearTimeout(conn.deadline);
    const idle = this.#idle;
    const at = idle.indexOf(conn);
    if (at >= 0) idle.splice(at, 1);
    if (!conn.socket.destroyed) conn.socket.destroy();
  }
}

module.exports = { Transport };
