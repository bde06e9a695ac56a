#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A listening Unix stream socket, set up so that it is never reachable with looser
/// permissions than asked, and so that a second daemon cannot steal a live one's path.
final class UnixListener: Sendable {
  /// The listening, non-blocking socket.
  let descriptor: Int32
  /// Where it listens.
  let address: UnixSocketAddress
  /// The socket file's device and inode, to remove only our own file at the end.
  private let identity: (dev_t, ino_t)

  /// Binds and listens on `path` with file mode `mode`.
  ///
  /// An existing file at `path` is removed only if it is a socket that nothing answers on (a
  /// daemon that died); a live daemon there, or any other kind of file, is an error.
  init(path: String, mode: mode_t, backlog: Int32 = 512) throws(DaemonError) {
    address = try UnixSocketAddress(path)
    try Self.clearStale(address)
    let descriptor: Int32
    do {
      descriptor = try SystemCall.run("socket") {
        socket(
          AF_UNIX,
          Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            | Int32(SOCK_NONBLOCK.rawValue), 0)
      }
    } catch { throw DaemonError(error) }
    do throws(SystemError) {
      // The file is created by bind with the mode the umask leaves; make that exactly `mode`,
      // and set it again explicitly before listen, so no client can connect in between.
      let previous = umask(~mode & 0o777)
      defer { umask(previous) }
      try address.withSocketAddress { pointer, length throws(SystemError) in
        try SystemCall.run("bind", path) { bind(descriptor, pointer, length) }
      }
      try SystemCall.run("chmod", path) { chmod(path, mode) }
      try SystemCall.run("listen", path) { listen(descriptor, backlog) }
      var status = stat()
      try SystemCall.run("stat", path) { stat(path, &status) }
      identity = (status.st_dev, status.st_ino)
    } catch {
      Glibc.close(descriptor)
      if error.code == EACCES {
        throw DaemonError("\(error): the socket's directory is not writable by this user")
      }
      throw DaemonError(error)
    }
    self.descriptor = descriptor
  }

  /// Removes a stale socket file at `address`, or explains why the path cannot be used.
  private static func clearStale(_ address: UnixSocketAddress) throws(DaemonError) {
    var status = stat()
    guard lstat(address.path, &status) == 0 else { return }  // nothing there
    guard status.st_mode & S_IFMT == S_IFSOCK else {
      throw DaemonError(
        "'\(address.path)' exists and is not a socket; remove it or choose another --socket")
    }
    let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard probe >= 0 else {
      throw DaemonError(SystemError(call: "socket", subject: "", code: errno))
    }
    defer { Glibc.close(probe) }
    let connected = address.withSocketAddress { connect(probe, $0, $1) }
    if connected == 0 {
      throw DaemonError(
        "another daemon is listening on '\(address.path)'; stop it first, or choose another --socket"
      )
    }
    let code = errno
    guard code == ECONNREFUSED else {
      throw DaemonError(
        "cannot tell whether '\(address.path)' is in use (connect: \(String(cString: strerror(code)))); remove it by hand if no daemon runs"
      )
    }
    // A socket nobody answers on: a daemon that died without cleaning up.
    guard unlink(address.path) == 0 || errno == ENOENT else {
      throw DaemonError(SystemError(call: "unlink", subject: address.path, code: errno))
    }
  }

  /// Stops listening and removes the socket file, if it is still ours.
  func close() {
    Glibc.close(descriptor)
    var status = stat()
    if lstat(address.path, &status) == 0, status.st_dev == identity.0, status.st_ino == identity.1 {
      unlink(address.path)
    }
  }
}
