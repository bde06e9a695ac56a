#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// The HPKE `info_hash` of each pool's envelope `info` (`"placement/v1 " || pool id`), computed
/// once per pool: it is public (a hash of the pool id) and the same for every envelope of the
/// pool, and skipping it saves an HMAC on every seal and open.
///
/// Thread-safe; bounded (emptied when it would exceed ``capacity`` pools).
final class InfoHashCache: @unchecked Sendable {
  /// The process-wide cache.
  static let shared = InfoHashCache()

  /// The most pools remembered; a topology has far fewer.
  static let capacity = 1024

  /// Guards `hashes`; heap-allocated so it never moves.
  private let lock: UnsafeMutablePointer<pthread_mutex_t>
  private var hashes: [String: [UInt8]] = [:]

  private init() {
    lock = .allocate(capacity: 1)
    lock.initialize(to: pthread_mutex_t())
    pthread_mutex_init(lock, nil)
  }

  deinit {
    pthread_mutex_destroy(lock)
    lock.deallocate()
  }

  /// `info_hash` for envelopes of pool `poolID`.
  func infoHash(poolID: String) -> [UInt8] {
    pthread_mutex_lock(lock)
    let cached = hashes[poolID]
    pthread_mutex_unlock(lock)
    if let cached { return cached }
    let hash = HPKE.infoHash(Envelope.info(poolID: poolID))
    pthread_mutex_lock(lock)
    if hashes.count >= Self.capacity { hashes.removeAll(keepingCapacity: true) }
    hashes[poolID] = hash
    pthread_mutex_unlock(lock)
    return hash
  }
}
