/// A site's placement topology: its edge devices and cloud GPU pools, and the balancer each tier
/// uses (DESIGN.md section 3).
///
/// Build one with ``Topology/load(contentsOfFile:)`` or ``Topology/init(json:source:)``, which
/// validate every field; the memberwise initialiser trusts its caller.
public struct Topology: Sendable, Hashable {
  /// The site's name, for people and the audit log.
  public var site: String
  /// The balancer each tier uses to pick an endpoint.
  public var balancers: [Tier: BalancerKind]
  /// The pools, in file order. Balancers and tie-breaks use this order.
  public var pools: [Pool]

  /// Creates a topology from parts that are already valid.
  public init(site: String, balancers: [Tier: BalancerKind], pools: [Pool]) {
    self.site = site
    self.balancers = balancers
    self.pools = pools
  }

  /// The balancer of `tier`; `round_robin` when the topology names none.
  public func balancer(for tier: Tier) -> BalancerKind {
    balancers[tier] ?? .roundRobin
  }
}

/// Where an inference runs: on the site, or in a cloud GPU pool.
public enum Tier: String, Sendable, Hashable, CaseIterable, Comparable {
  /// An edge device on the site: close, slow, private.
  case edge
  /// A cloud GPU pool: far, fast, paid, shared.
  case cloud

  /// `edge` sorts first: it wins ties (DESIGN.md section 6).
  public static func < (lhs: Tier, rhs: Tier) -> Bool {
    lhs == .edge && rhs == .cloud
  }

  /// Hashes the case, not its name (the default for a raw-value enum hashes the string): a
  /// tier keys the balancer looked up for every decision.
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .edge: hasher.combine(0 as UInt8)
    case .cloud: hasher.combine(1 as UInt8)
    }
  }

  /// The tier's name (its raw value) as a literal, for a JSON writer to copy without escaping.
  package var literal: StaticString {
    switch self {
    case .edge: "edge"
    case .cloud: "cloud"
    }
  }
}

/// How a tier picks one endpoint of its pick set (DESIGN.md section 6).
public enum BalancerKind: String, Sendable, Hashable, CaseIterable {
  /// The first endpoint after the previous pick, wrapping.
  case roundRobin = "round_robin"
  /// Fewest in-flight leases; ties go round robin.
  case leastConnection = "least_connection"
  /// Smooth weighted round robin, as nginx does it.
  case weighted
  /// Power of two choices: two distinct endpoints drawn by weight, fewer in-flight per weight wins.
  case p2c
  /// Lowest latency estimate; ties to the first.
  case leastLatency = "least_latency"
  /// Drawn in proportion to weight.
  case random

  /// The balancer's name (its raw value) as a literal, for a JSON writer to copy without
  /// escaping.
  package var literal: StaticString {
    switch self {
    case .roundRobin: "round_robin"
    case .leastConnection: "least_connection"
    case .weighted: "weighted"
    case .p2c: "p2c"
    case .leastLatency: "least_latency"
    case .random: "random"
    }
  }
}

/// A group of endpoints behind one network link: a site's edge line, or a cloud region's pool.
public struct Pool: Sendable, Hashable {
  /// Unique across pools and endpoints.
  public var id: String
  /// The tier the pool belongs to.
  public var tier: Tier
  /// Where the pool is, for example `on-site` or `eu-west-1`.
  public var region: String
  /// Round trip from the gateway to the pool, in milliseconds.
  public var rttMs: Double
  /// The link from the gateway to the pool, in megabits per second.
  public var bandwidthMbps: Double
  /// What an endpoint of the pool costs per hour.
  public var costPerHour: Double
  /// Labels policies test with `target.tags`, for example `pii-approved`.
  public var tags: Set<String>
  /// The pool's X25519 public key (32 bytes); without one the pool never receives a payload
  /// that must be sealed.
  public var publicKey: [UInt8]?
  /// The pool's endpoints, in file order.
  public var endpoints: [Endpoint]
  /// The fewest endpoints an autoscaler should hold (`min`); nil when the file gives none.
  /// `PlacementScaling` reads it; the engine does not.
  public var minEndpoints: Int?
  /// The most endpoints an autoscaler should hold (`max`); nil when the file gives none.
  public var maxEndpoints: Int?
  /// The share of the pool's slots an autoscaler should keep busy (`target_utilization`, in
  /// `(0, 1]`); nil when the file gives none.
  public var targetUtilization: Double?

  /// Creates a pool from values that are already valid.
  public init(
    id: String, tier: Tier, region: String, rttMs: Double, bandwidthMbps: Double,
    costPerHour: Double, tags: Set<String>, publicKey: [UInt8]?, endpoints: [Endpoint],
    minEndpoints: Int? = nil, maxEndpoints: Int? = nil, targetUtilization: Double? = nil
  ) {
    self.id = id
    self.tier = tier
    self.region = region
    self.rttMs = rttMs
    self.bandwidthMbps = bandwidthMbps
    self.costPerHour = costPerHour
    self.tags = tags
    self.publicKey = publicKey
    self.endpoints = endpoints
    self.minEndpoints = minEndpoints
    self.maxEndpoints = maxEndpoints
    self.targetUtilization = targetUtilization
  }
}

/// One device or server that runs inferences.
public struct Endpoint: Sendable, Hashable {
  /// Unique across pools and endpoints.
  public var id: String
  /// The accelerator, for example `orin-nx` or `h100`.
  public var gpu: String
  /// Relative power, used by the `weighted`, `p2c` and `random` balancers.
  public var weight: Double
  /// Requests the endpoint runs at once (at least 1).
  public var capacity: Int
  /// Model name to compute time in milliseconds on this endpoint.
  public var models: [String: Double]

  /// Creates an endpoint from values that are already valid.
  public init(id: String, gpu: String, weight: Double, capacity: Int, models: [String: Double]) {
    self.id = id
    self.gpu = gpu
    self.weight = weight
    self.capacity = capacity
    self.models = models
  }
}
