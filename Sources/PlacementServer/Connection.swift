/// One client connection's buffers, owned by one event loop.
struct Connection {
  /// Received bytes not yet answered; complete lines start at `start`.
  var input: [UInt8] = []
  var start = 0
  /// Where to look for the next `\n` (everything before it was already searched).
  var scanned = 0
  /// Bytes dropped so far of a line longer than the limit; its rest is dropped up to `\n`.
  var discarding = 0
  /// Answers not yet sent, from `sent` on.
  var output: [UInt8] = []
  var sent = 0
  /// Monotonic nanoseconds of the last byte received or sent.
  var lastActive: UInt64
  /// Not read from while too many answers wait to be sent.
  var readingPaused = false
  /// Whether the loop asked to be told when the socket is writable.
  var waitingToWrite = false
  /// The client sent EOF (or the daemon is draining): close once everything is answered and sent.
  var closing = false

  /// Answers held back until the audit log has their records, in output order, with every
  /// answer after the first of them (order is kept). Empty without an audit log.
  var held: [HeldAnswer] = []
  /// The highest audit sequence a durability callback was asked for.
  var awaited: UInt64 = 0

  init(now: UInt64) { lastActive = now }

  /// Whether nothing was received or sent for `limit` nanoseconds before `now`. Activity
  /// stamped after `now` was read (an answer released later in the same round) is not idle.
  func isIdle(at now: UInt64, limit: UInt64) -> Bool {
    now > lastActive && now - lastActive >= limit
  }

  /// Bytes waiting to be sent, held ones included.
  var pendingOutput: Int { output.count - sent }

  /// Where sending must stop: the start of the first held answer.
  var sendLimit: Int { held.first?.start ?? output.count }

  /// Forgets the answers already sent, once they are at least half the output. A pipelining
  /// client under a durable audit log always has answers held, so the output never empties:
  /// without this it would keep every answer the connection was ever sent. Each byte is moved
  /// at most once per byte sent, and the buffer stays within twice what is still pending.
  mutating func discardSentOutput() {
    guard sent > 0, sent * 2 >= output.count else { return }
    if sent == output.count {
      output.removeAll(keepingCapacity: true)
    } else {
      output.removeSubrange(0..<sent)
      for index in held.indices {
        held[index].start -= sent
        held[index].end -= sent
      }
    }
    sent = 0
  }
}

/// One answer in a connection's held region.
struct HeldAnswer {
  /// The audit record the answer rests on; nil for an answer that only waits its turn.
  var sequence: UInt64?
  /// The request's id, for the `audit_unavailable` line that replaces a failed answer.
  var id: String?
  /// The lease a placed answer hands out: cancelled when the answer is replaced.
  var lease: String?
  /// Where the answer lies in the connection's output.
  var start: Int
  var end: Int
}
