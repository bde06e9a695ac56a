import Placement

/// One physical endpoint of the simulated site: `capacity` slots that serve requests, and a
/// FIFO queue for the rest. Shared by every gateway of a fleet.
struct SimulatedEndpoint {
  let id: String
  let tier: Tier
  let capacity: Int
  let costPerHour: Double
  /// Topology compute time per model, the mean of the service-time distribution.
  let computeMs: [String: Double]
  /// Slots serving a request now.
  private(set) var busy = 0
  private var waiting: [Int32] = []
  private var head = 0
  /// Busy slot-milliseconds within the workload's duration, and over the whole run.
  private(set) var busyWithinWindow = 0.0
  private(set) var busyTotal = 0.0
  private var lastChange = 0.0

  init(pool: Pool, endpoint: Endpoint) {
    id = endpoint.id
    tier = pool.tier
    capacity = endpoint.capacity
    costPerHour = pool.costPerHour
    computeMs = endpoint.models
  }

  var queueLength: Int { waiting.count - head }

  /// A request reached the endpoint at `now`: true when a slot took it (start serving), false
  /// when it queues.
  mutating func admit(_ flight: Int32, at now: Double, windowEnd: Double) -> Bool {
    if busy < capacity {
      account(until: now, windowEnd: windowEnd)
      busy += 1
      return true
    }
    waiting.append(flight)
    return false
  }

  /// A slot finished at `now`: the next queued request takes it, or the slot goes idle.
  mutating func release(at now: Double, windowEnd: Double) -> Int32? {
    if head < waiting.count {
      let next = waiting[head]
      head += 1
      if head >= 1024 && head * 2 >= waiting.count {
        waiting.removeFirst(head)
        head = 0
      }
      return next
    }
    account(until: now, windowEnd: windowEnd)
    busy -= 1
    return nil
  }

  /// Adds the busy slot-time since the last change.
  mutating func account(until now: Double, windowEnd: Double) {
    let slots = Double(busy)
    busyTotal += slots * (now - lastChange)
    busyWithinWindow += slots * max(0, min(now, windowEnd) - min(lastChange, windowEnd))
    lastChange = now
  }
}
