#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A blocking client of the daemon: one connection to its Unix socket, lines out, lines in.
///
/// For tools and tests; not thread-safe (one writer and one reader at a time: they may be two
/// threads).
public final class PlacementClient: @unchecked Sendable {
  private let descriptor: Int32
  private var input: [UInt8] = []
  private var inputStart = 0
  private var chunk = [UInt8](repeating: 0, count: 65536)
  /// How many times ``readLine()`` looks for input without blocking before it sleeps in
  /// poll(2). 0 (the default) sleeps at once. A load generator with a core of its own sets it,
  /// so that the daemon it measures is not also paying to wake it for every answer.
  package var pollsBeforeSleeping = 0
  /// How long ``readLine()`` waits for input before it throws, in milliseconds; -1 (the
  /// default) waits for ever. Tests set it, so that a daemon that stopped answering without
  /// closing the connection fails the test instead of hanging it.
  package var readTimeoutMilliseconds: Int32 = -1

  /// Connects to the daemon listening on `socketPath`.
  public init(socketPath: String) throws(DaemonError) {
    let address = try UnixSocketAddress(socketPath)
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else {
      throw DaemonError(SystemError(call: "socket", subject: "", code: errno))
    }
    let connected = address.withSocketAddress { pointer, length in
      while true {
        if connect(descriptor, pointer, length) == 0 { return Int32(0) }
        if errno != EINTR { return errno }
      }
    }
    guard connected == 0 else {
      close(descriptor)
      var hint = ""
      if connected == ENOENT || connected == ECONNREFUSED {
        hint = ": is 'placement serve' running?"
      }
      if connected == EACCES { hint = ": this user may not use the socket (its mode and group)" }
      throw DaemonError(
        "cannot connect to '\(socketPath)': \(String(cString: strerror(connected)))\(hint)")
    }
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Sends `bytes` whole (a line must end with `\n`).
  public func send(_ bytes: some Collection<UInt8>) throws(DaemonError) {
    let array = Array(bytes)
    var offset = 0
    while offset < array.count {
      let written = array.withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw DaemonError(SystemError(call: "send", subject: "", code: errno))
      }
      offset += written
    }
  }

  /// Sends one line; `\n` is added.
  public func send(line: String) throws(DaemonError) {
    try send(Array(line.utf8) + [UInt8(ascii: "\n")])
  }

  /// The next line from the daemon, without its `\n`; nil when the daemon closed the connection.
  public func readLine() throws(DaemonError) -> [UInt8]? {
    while true {
      if let newline = input.indexOfNewline(from: inputStart) {
        let line = Array(input[inputStart..<newline])
        inputStart = newline + 1
        if inputStart > 65536 {
          input.removeFirst(inputStart)
          inputStart = 0
        }
        return line
      }
      // Wait in poll(2) for input, not in recv(2): a reader blocked in recv on a Unix socket
      // is also woken, for nothing, each time the daemon reads what this side sent (the
      // socket has one wait queue for both directions), and the daemon pays for that wake-up.
      var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      var polls = 0
      while polls < pollsBeforeSleeping, poll(&ready, 1, 0) == 0 { polls += 1 }
      if ready.revents == 0 {
        let found = poll(&ready, 1, readTimeoutMilliseconds)
        if found < 0 {
          if errno == EINTR { continue }
          throw DaemonError(SystemError(call: "poll", subject: "", code: errno))
        }
        if found == 0 {
          throw DaemonError("no answer from the daemon within \(readTimeoutMilliseconds) ms")
        }
      }
      let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count < 0 {
        if errno == EINTR { continue }
        throw DaemonError(SystemError(call: "recv", subject: "", code: errno))
      }
      if count == 0 { return nil }
      input.append(contentsOf: chunk[0..<count])
    }
  }

  /// Sends one request line and returns the response line.
  public func request(_ line: String) throws(DaemonError) -> String? {
    try send(line: line)
    return try readLine().map { String(decoding: $0, as: UTF8.self) }
  }

  /// Tells the daemon nothing more will be sent; its answers can still be read.
  public func finishSending() {
    shutdown(descriptor, Int32(SHUT_WR))
  }
}
