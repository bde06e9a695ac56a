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

  init(now: UInt64) { lastActive = now }

  /// Bytes waiting to be sent.
  var pendingOutput: Int { output.count - sent }
}
