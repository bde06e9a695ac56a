/// The leases held on endpoints, with their expiry.
///
/// Every lease gets the same timeout when taken, so leases expire in the order they were taken:
/// a queue in that order finds the expired ones without scanning the table.
struct LeaseTable {
  /// One lease: a placed request that has not completed yet.
  struct Lease {
    /// The endpoint's index in topology order.
    var endpoint: Int
    /// The slot of the endpoint's compute estimate for the request's model.
    var estimateSlot: Int
    /// The request's model.
    var model: String
    /// Round trip plus transfer at decision time: subtracted from the observed time to learn
    /// the compute time.
    var networkMs: Double
    /// When the lease lapses by itself.
    var expiresAt: Duration
  }

  private(set) var active: [UInt64: Lease] = [:]
  private var expiryQueue: [(sequence: UInt64, expiresAt: Duration)] = []
  private var queueHead = 0

  /// Leases held now.
  var count: Int { active.count }

  mutating func insert(_ lease: Lease, sequence: UInt64) {
    active[sequence] = lease
    expiryQueue.append((sequence, lease.expiresAt))
    // Completed leases leave their queue entries behind until they would have expired; when
    // they outnumber the live ones, rebuild the queue from the live ones (sequence order is
    // expiry order), so memory follows the leases held, not the request rate.
    if expiryQueue.count - queueHead > 2 * active.count + 1024 {
      expiryQueue = active.map { ($0.key, $0.value.expiresAt) }.sorted { $0.sequence < $1.sequence }
      queueHead = 0
    }
  }

  /// Removes and returns the lease, or nil when it is not held.
  mutating func remove(_ sequence: UInt64) -> Lease? {
    active.removeValue(forKey: sequence)
  }

  /// Removes every lease whose time is up at `now`, calling `expire` for each.
  mutating func expire(at now: Duration, _ expire: (Lease) -> Void) {
    while queueHead < expiryQueue.count, expiryQueue[queueHead].expiresAt <= now {
      if let lease = active.removeValue(forKey: expiryQueue[queueHead].sequence) {
        expire(lease)
      }
      queueHead += 1
    }
    if queueHead > 1024, queueHead * 2 > expiryQueue.count {
      expiryQueue.removeFirst(queueHead)
      queueHead = 0
    }
  }

  /// Keeps only the leases `transform` maps to a new lease (for a topology reload).
  mutating func remap(_ transform: (Lease) -> Lease?) {
    var kept: [UInt64: Lease] = [:]
    for (sequence, lease) in active {
      if let lease = transform(lease) { kept[sequence] = lease }
    }
    active = kept
  }
}
