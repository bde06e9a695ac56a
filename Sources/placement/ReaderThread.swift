import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A thread that runs one throwing closure, and the error it ended with.
final class ReaderThread: Sendable {
  /// Where the thread leaves the error it ended with.
  private final class Outcome: Sendable {
    let failure = Mutex<(any Error)?>(nil)
  }

  private let outcome = Outcome()
  private let thread: pthread_t

  private final class Context: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// Starts `body` on a new thread.
  init(_ body: @escaping @Sendable () throws -> Void) throws {
    let outcome = outcome
    var thread = pthread_t()
    let context = Unmanaged.passRetained(
      Context {
        do { try body() } catch { outcome.failure.withLock { $0 = error } }
      }
    ).toOpaque()
    let status = pthread_create(
      &thread, nil,
      { context in
        Unmanaged<Context>.fromOpaque(context!).takeRetainedValue().body()
        return nil
      }, context)
    guard status == 0 else {
      Unmanaged<Context>.fromOpaque(context).release()
      throw UsageError("cannot start a thread: \(String(cString: strerror(status)))")
    }
    self.thread = thread
  }

  /// Waits for the thread to end; rethrows its error.
  func wait() throws {
    pthread_join(thread, nil)
    if let error = outcome.failure.withLock({ $0 }) { throw error }
  }
}
