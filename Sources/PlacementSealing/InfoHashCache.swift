import Synchronization

/// The HPKE `info_hash` of each pool's envelope `info` (`"placement/v1 " || pool id`), computed
/// once per pool: it is public (a hash of the pool id) and the same for every envelope of the
/// pool, and skipping it saves an HMAC on every seal and open.
///
/// Thread-safe; bounded (emptied when it would exceed ``capacity`` pools).
final class InfoHashCache: Sendable {
  /// The process-wide cache.
  static let shared = InfoHashCache()

  /// The most pools remembered; a topology has far fewer.
  static let capacity = 1024

  private let hashes = Mutex<[String: [UInt8]]>([:])

  private init() {}

  /// `info_hash` for envelopes of pool `poolID`.
  func infoHash(poolID: String) -> [UInt8] {
    if let cached = hashes.withLock({ $0[poolID] }) { return cached }
    let hash = HPKE.infoHash(Envelope.info(poolID: poolID))
    hashes.withLock { hashes in
      if hashes.count >= Self.capacity { hashes.removeAll(keepingCapacity: true) }
      hashes[poolID] = hash
    }
    return hash
  }
}
