/// An attribute a condition reads (DESIGN.md section 5, the attribute table), by type. Each raw
/// value is the attribute's name in the language; ``AttributeCatalog`` looks names up.
enum PolicyAttribute: Sendable, Hashable {
  case number(Number)
  case string(Text)
  case stringSet(Tags)

  /// A number attribute.
  enum Number: String, Sendable, Hashable, CaseIterable {
    case requestLatencyBudgetMs = "request.latency_budget_ms"
    case requestPayloadBytes = "request.payload_bytes"
    case targetRttMs = "target.rtt_ms"
    case targetBandwidthMbps = "target.bandwidth_mbps"
    case targetCostPerHour = "target.cost_per_hour"
    case targetCapacity = "target.capacity"
    case targetWeight = "target.weight"
    case targetInFlight = "target.in_flight"
    case targetEstimatedMs = "target.estimated_ms"
    case targetTransferMs = "target.transfer_ms"
    case targetQueueMs = "target.queue_ms"
    case targetComputeMs = "target.compute_ms"

    /// The attribute's value for `request` on `target`.
    func value(request: PlacementRequest, target: TargetFacts) -> Double {
      switch self {
      case .requestLatencyBudgetMs: request.latencyBudgetMs
      case .requestPayloadBytes: Double(request.payloadBytes)
      case .targetRttMs: target.pool.rttMs
      case .targetBandwidthMbps: target.pool.bandwidthMbps
      case .targetCostPerHour: target.pool.costPerHour
      case .targetCapacity: Double(target.endpoint.capacity)
      case .targetWeight: target.endpoint.weight
      case .targetInFlight: Double(target.inFlight)
      case .targetEstimatedMs: target.estimate.totalMs
      case .targetTransferMs: target.estimate.transferMs
      case .targetQueueMs: target.estimate.queueMs
      case .targetComputeMs: target.estimate.computeMs
      }
    }

    /// When the value is known.
    var stage: PolicyStage {
      switch self {
      case .requestLatencyBudgetMs, .requestPayloadBytes: .request
      case .targetRttMs, .targetBandwidthMbps, .targetCostPerHour, .targetCapacity, .targetWeight:
        .endpoint
      case .targetInFlight, .targetEstimatedMs, .targetTransferMs, .targetQueueMs,
        .targetComputeMs:
        .candidate
      }
    }
  }

  /// A string attribute.
  enum Text: String, Sendable, Hashable, CaseIterable {
    case requestID = "request.id"
    case requestModel = "request.model"
    case requestPriority = "request.priority"
    case requestSource = "request.source"
    case targetTier = "target.tier"
    case targetPool = "target.pool"
    case targetEndpoint = "target.endpoint"
    case targetRegion = "target.region"
    case targetGPU = "target.gpu"

    /// The attribute's value for `request` on `target`.
    func value(request: PlacementRequest, target: TargetFacts) -> String {
      switch self {
      case .requestID: request.id
      case .requestModel: request.model
      case .requestPriority: request.priority.rawValue
      case .requestSource: request.source
      case .targetTier: target.pool.tier.rawValue
      case .targetPool: target.pool.id
      case .targetEndpoint: target.endpoint.id
      case .targetRegion: target.pool.region
      case .targetGPU: target.endpoint.gpu
      }
    }

    /// When the value is known.
    var stage: PolicyStage {
      switch self {
      case .requestID, .requestModel, .requestPriority, .requestSource: .request
      case .targetTier, .targetPool, .targetEndpoint, .targetRegion, .targetGPU: .endpoint
      }
    }
  }

  /// A set-of-strings attribute.
  enum Tags: String, Sendable, Hashable, CaseIterable {
    case request = "request.tags"
    case target = "target.tags"

    /// The attribute's value for `request` on `target`.
    func value(request: PlacementRequest, target: TargetFacts) -> Set<String> {
      switch self {
      case .request: request.tags
      case .target: target.pool.tags
      }
    }

    /// When the value is known.
    var stage: PolicyStage {
      switch self {
      case .request: .request
      case .target: .endpoint
      }
    }
  }

  /// The attribute's name, for example `request.model`.
  var name: String {
    switch self {
    case .number(let attribute): attribute.rawValue
    case .string(let attribute): attribute.rawValue
    case .stringSet(let attribute): attribute.rawValue
    }
  }

  /// The attribute's type.
  var type: PolicyType {
    switch self {
    case .number: .number
    case .string: .string
    case .stringSet: .stringSet
    }
  }

  /// When the attribute's value is known.
  var stage: PolicyStage {
    switch self {
    case .number(let attribute): attribute.stage
    case .string(let attribute): attribute.stage
    case .stringSet(let attribute): attribute.stage
    }
  }
}
