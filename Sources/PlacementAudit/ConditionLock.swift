#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A mutex with a condition variable (on the monotonic clock), guarding a value: the writer
/// thread sleeps on it and callers wake it. `Synchronization.Mutex` has no condition variable.
final class ConditionLock<Value>: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  /// Two condition variables: 0 wakes the writer thread, 1 wakes threads waiting on progress.
  private let condition: UnsafeMutablePointer<pthread_cond_t>
  /// Only touched with the mutex held (through ``withLock(_:)`` and the wait functions).
  private var value: Value

  init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    condition = .allocate(capacity: 2)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(condition, &attributes)
    pthread_cond_init(condition + 1, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_cond_destroy(condition + 1)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Runs `body` with the mutex held.
  func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }

  /// With the mutex held, waits until `ready` holds (re-checked after every wake-up) or until
  /// `deadline` (monotonic nanoseconds) passes, then runs `body`.
  func wait<R>(
    on channel: Int, until ready: (inout Value) -> Bool, deadline: UInt64? = nil,
    then body: (inout Value) -> R
  ) -> R {
    wait(on: channel, until: ready, deadlineOf: { _ in deadline }, then: body)
  }

  /// As ``wait(on:until:deadline:then:)``, with the deadline worked out from the value again
  /// after every wake-up (nil: no deadline).
  func wait<R>(
    on channel: Int, until ready: (inout Value) -> Bool,
    deadlineOf deadline: (inout Value) -> UInt64?,
    then body: (inout Value) -> R
  ) -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    while !ready(&value) {
      if let deadline = deadline(&value) {
        if Self.now() >= deadline { break }
        var spec = timespec(
          tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition + channel, mutex, &spec)
      } else {
        pthread_cond_wait(condition + channel, mutex)
      }
    }
    return body(&value)
  }

  /// Wakes every thread waiting on `channel`; call it with the mutex held or just after.
  func broadcast(_ channel: Int) { pthread_cond_broadcast(condition + channel) }

  /// Monotonic nanoseconds.
  static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }
}
