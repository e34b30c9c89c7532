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

function guarded(fn) {
  try {
    return fn();
  } catch (e) {
    return internal(e);
  }
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
  constructor(socket, wire) {
    this.socket = socket;
    this.wire = wire;
    // The attempt using it; null while idle.
    this.attempt = null;
  }
}

/** A client's connections and the calls running on them. */
class Transport {
  #native;
  #target;
  #idle = [];
  /** Calls running (or waiting to retry) on this transport. */
  inFlight = 0;

  /** `native`: the client's `NativeClient`, whose `begin` made the calls given to `run`. */
  constructor(native) {
    this.#native = native;
    this.#target = native.target;
  }

  /** Runs call `id` to its end: resolves to `{ ok, value | error }`, never rejects. */
  run(id) {
    this.inFlight += 1;
    return new Promise((resolve) =>
      this.#attempt(id, (outcome) => {
        this.inFlight -= 1;
        resolve(outcome);
      }),
    );
  }

  #attempt(id, resolve) {
    const native = this.#native;
    const target = this.#target;
    let over = false;
    let sent = false;
    let conn = this.#take();
    let connectTimer = null;
    const finish = (step) => {
      if (over) return;
      over = true;
      clearTimeout(deadline);
      clearTimeout(connectTimer);
      if (conn !== null) {
        conn.attempt = null;
        if (step.keep) this.#release(conn);
        else this.#discard(conn);
      }
      if (step.retry_ms !== undefined) {
        setTimeout(() => this.#attempt(id, resolve), step.retry_ms);
      } else {
        // After an internal error the native side may still hold the call.
        if (step.error?.code === 'internal') native.abandon(id);
        resolve(step);
      }
    };
    const fail = (kind, cause = '') => finish(guarded(() => JSON.parse(native.failed(id, kind, cause))));
    // The whole attempt, connecting included, as on the other transports.
    const deadline = setTimeout(() => fail(sent ? 'timeout' : 'connect_timeout'), target.timeout_ms);
    const write = (bytes) => {
      if (bytes !== null && bytes.length > 0) conn.socket.write(bytes);
    };
    const send = () => {
      clearTimeout(connectTimer);
      let out;
      try {
        out = native.send(id, conn.wire);
      } catch (e) {
        return finish(internal(e));
      }
      sent = true;
      conn.socket.write(out);
    };
    const handlers = {
      data(chunk) {
        const wasReady = conn.wire.ready;
        const step = guarded(() => native.receive(id, conn.wire, chunk));
        if (step !== null) return finish(typeof step === 'string' ? guarded(() => JSON.parse(step)) : step);
        const out = guarded(() => conn.wire.outgoing());
        if (out !== null && !Buffer.isBuffer(out)) return finish(out);
        write(out);
        if (!wasReady && conn.wire.ready) send();
      },
      end() {
        if (!sent) return fail('connect', 'the server closed the connection before the request was sent');
        finish(guarded(() => JSON.parse(native.closed(id, conn.wire))));
      },
      error(e) {
        if (!sent) return fail(...connectFailure(e, target.host));
        fail('broken', e.message);
      },
    };
    if (conn !== null) {
      conn.attempt = handlers;
      return send();
    }
    const wire = guarded(() => native.wire(id));
    if (typeof wire.outgoing !== 'function') {
      // The connection could not even be set up: a step (JSON text), or an internal error.
      return finish(typeof wire === 'string' ? guarded(() => JSON.parse(wire)) : wire);
    }
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    conn = new Connection(socket, wire);
    conn.attempt = handlers;
    this.#watch(conn);
    connectTimer = setTimeout(() => fail('connect_timeout'), target.connect_timeout_ms);
    socket.once('connect', () => {
      if (over) return;
      if (wire.ready) return send();
      // TLS: the ClientHello; the answer arrives through `data`.
      const hello = guarded(() => wire.outgoing());
      if (hello !== null && !Buffer.isBuffer(hello)) return finish(hello);
      write(hello);
    });
  }

  /** Routes a connection's events to the attempt using it; an idle one that hears anything is closed. */
  #watch(conn) {
    const { socket } = conn;
    socket.on('data', (chunk) => (conn.attempt ? conn.attempt.data(chunk) : this.#discard(conn)));
    socket.on('end', () => (conn.attempt ? conn.attempt.end() : this.#discard(conn)));
    socket.on('error', (e) => (conn.attempt ? conn.attempt.error(e) : this.#discard(conn)));
    socket.on('timeout', () => this.#discard(conn));
    socket.on('close', () => {
      if (conn.attempt) conn.attempt.error(new Error('the connection closed'));
      else this.#discard(conn);
    });
  }

  /** A kept connection that is still open, or null. All of a client's calls share one origin. */
  #take() {
    const idle = this.#idle;
    while (idle.length > 0) {
      const conn = idle.pop();
      if (conn.socket.destroyed || conn.socket.readyState !== 'open') continue;
      conn.socket.setTimeout(0);
      conn.socket.ref();
      return conn;
    }
    return null;
  }

  #release(conn) {
    const { socket } = conn;
    const idle = this.#idle;
    if (socket.destroyed || idle.length >= MAX_IDLE) return this.#discard(conn);
    // An idle connection never keeps the process alive, and is closed after a while.
    socket.unref();
    socket.setTimeout(IDLE_MS);
    idle.push(conn);
  }

  #discard(conn) {
    conn.attempt = null;
    const idle = this.#idle;
    const at = idle.indexOf(conn);
    if (at >= 0) idle.splice(at, 1);
    if (!conn.socket.destroyed) conn.socket.destroy();
  }
}

module.exports = { Transport };
