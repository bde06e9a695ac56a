#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A system call that failed: which call, on what, and the system's errno.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The call, for example `bind`.
  public var call: String
  /// What it was called on, for example the socket path; may be empty.
  public var subject: String
  /// The errno it failed with.
  public var code: Int32

  /// `bind(/run/placement.sock): Address already in use`.
  public var description: String {
    let on = subject.isEmpty ? "" : "(\(subject))"
    return "\(call)\(on): \(String(cString: strerror(code)))"
  }
}

/// Runs system calls the one way this module does: retrying `EINTR`, and turning a failure
/// into a ``SystemError`` that carries errno.
enum SystemCall {
  /// Calls `body` until it does not fail with `EINTR`; a negative result becomes an error.
  @discardableResult
  static func run<Result: BinaryInteger>(
    _ call: String, _ subject: String = "", _ body: () -> Result
  ) throws(SystemError) -> Result {
    while true {
      let result = body()
      if result >= 0 { return result }
      let code = errno
      if code == EINTR { continue }
      throw SystemError(call: call, subject: subject, code: code)
    }
  }

  /// As ``run(_:_:_:)``, but `EAGAIN`/`EWOULDBLOCK` come back as nil: nothing to do now.
  static func nonBlocking<Result: BinaryInteger>(
    _ call: String, _ subject: String = "", _ body: () -> Result
  ) throws(SystemError) -> Result? {
    while true {
      let result = body()
      if result >= 0 { return result }
      let code = errno
      if code == EINTR { continue }
      if code == EAGAIN || code == EWOULDBLOCK { return nil }
      throw SystemError(call: call, subject: subject, code: code)
    }
  }
}
