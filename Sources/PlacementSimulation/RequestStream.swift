import Placement

/// One arrival of a workload, with every draw that belongs to the request rather than to the
/// variant serving it, so that every variant of a comparison sees the same stream.
struct GeneratedRequest {
  /// When it arrives, in milliseconds from the start.
  var atMs: Double
  /// What it asks for.
  var request: PlacementRequest
  /// The gateway that receives it (fleet mode).
  var gateway: Int
  /// Its service time divided by the chosen endpoint's topology compute time (mean 1).
  var serviceFactor: Double
}

/// The arrivals of a workload, in time order, drawn from the workload's seed alone.
struct RequestStream {
  private let workload: Workload
  private var random: SeededGenerator
  private var seconds = 0.0
  private var traceIndex = 0
  private let totalShare: Double
  private let peakRate: Double

  init(workload: Workload, seed: UInt64) {
    self.workload = workload
    random = SeededGenerator(seed: seed)
    totalShare = workload.classes.reduce(0) { $0 + $1.share }
    switch workload.arrivals {
    case .poisson(let rate): peakRate = rate
    case .bursty(let profile): peakRate = profile.peakRate
    case .trace: peakRate = 0
    }
  }

  /// The next arrival, or nil once the workload's duration has passed.
  mutating func next() -> GeneratedRequest? {
    let duration = workload.durationSeconds
    var request: PlacementRequest
    switch workload.arrivals {
    case .poisson:
      seconds += random.exponential() / peakRate
      guard seconds < duration else { return nil }
      request = drawClassRequest()
    case .bursty(let profile):
      guard peakRate > 0 else { return nil }
      // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with probability
      // rate(t) / peak.
      repeat {
        seconds += random.exponential() / peakRate
        guard seconds < duration else { return nil }
      } while random.unit() * peakRate >= profile.rate(atSeconds: seconds)
      request = drawClassRequest()
    case .trace(let requests):
      guard traceIndex < requests.count, requests[traceIndex].atSeconds <= duration else {
        return nil
      }
      seconds = requests[traceIndex].atSeconds
      request = requests[traceIndex].request
      traceIndex += 1
    }
    let gateway =
      workload.gateways > 1 ? Int(random.next() % UInt64(workload.gateways)) : 0
    let factor: Double
    switch workload.service {
    case .fixed: factor = 1
    case .exponential: factor = random.exponential()
    case .lognormal(let cv): factor = random.lognormal(cv: cv)
    }
    return GeneratedRequest(
      atMs: seconds * 1000, request: request, gateway: gateway, serviceFactor: factor)
  }

  private mutating func drawClassRequest() -> PlacementRequest {
    let classes = workload.classes
    var pick = classes.count - 1
    if classes.count > 1 {
      var remaining = random.unit() * totalShare
      for (index, requestClass) in classes.enumerated() {
        remaining -= requestClass.share
        if remaining < 0 {
          pick = index
          break
        }
      }
    }
    var request = classes[pick].request
    switch classes[pick].payloadBytes {
    case .fixed(let bytes):
      request.payloadBytes = bytes
    case .uniform(let low, let high):
      request.payloadBytes = low + Int(random.next() % UInt64(high - low + 1))
    case .lognormal(let mean, let cv):
      request.payloadBytes = Int((mean * random.lognormal(cv: cv)).rounded())
    }
    return request
  }
}
