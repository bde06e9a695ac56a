import Placement

/// What one variant of a simulation measured.
public struct VariantReport: Sendable, Hashable {
  /// One endpoint's load over the workload's duration.
  public struct EndpointUtilization: Sendable, Hashable {
    /// The endpoint's id.
    public var endpoint: String
    /// Its tier.
    public var tier: Tier
    /// Busy slots divided by capacity, averaged over the workload's duration `[0, duration)`
    /// (0: idle throughout, 1: every slot busy throughout).
    public var share: Double
  }

  /// The variant's name, `POLICIES / BALANCER`.
  public var variant: String
  /// The policy set's name.
  public var policies: String
  /// The balancer override, or `topology`.
  public var balancer: String
  /// Requests that arrived.
  public var requests: Int
  /// Requests placed (including critical ones placed over budget).
  public var placed: Int
  /// Rejected requests per reason; reasons that never occurred are absent.
  public var rejected: [RejectionReason: Int]
  /// Critical requests placed although no endpoint met their budget.
  public var placedOverBudget: Int
  /// Requests that finished within their budget.
  public var withinBudget: Int
  /// Latencies of the placed requests.
  public var latency: LatencySummary
  /// Every endpoint, in topology order.
  public var utilization: [EndpointUtilization]
  /// Placed requests that ran on the edge tier.
  public var placedOnEdge: Int
  /// Cloud GPU cost, busy-time based: for every cloud endpoint, its pool's `cost_per_hour`
  /// times its busy slot-hours divided by its capacity (as if billed per GPU-second in use).
  public var cloudCostBusy: Double
  /// Cloud GPU cost, provisioned: every cloud endpoint's `cost_per_hour` for the whole
  /// duration (the same in every variant until pools scale).
  public var cloudCostProvisioned: Double
  /// Completions the engine no longer knew, because the lease had expired while the request
  /// was still queued (see ``EngineConfiguration/leaseTimeout``).
  public var leasesExpired: Int
  /// How the cloud pools were sized: `none`, `reactive` or `predictive`.
  public var scaling: String
  /// Cloud endpoint-hours paid for within the workload's duration: every cloud endpoint from
  /// the start (or from when it was asked for) until the end (or its removal).
  public var cloudGPUHours: Double
  /// Endpoints provisioned and removed by the autoscaler.
  public var scaleUps: Int
  /// Endpoints removed after draining.
  public var scaleDowns: Int
  /// When the last request finished, in seconds (the run drains after the duration).
  public var finishedSeconds: Double

  /// Requests rejected, whatever the reason.
  public var rejectedTotal: Int { rejected.values.reduce(0, +) }

  /// Share of all requests that finished within their budget; rejected requests count as
  /// misses. NaN without requests.
  public var budgetAttainment: Double {
    requests == 0 ? .nan : Double(withinBudget) / Double(requests)
  }

  /// Share of the placed requests that ran on the edge. NaN when nothing was placed.
  public var edgeShare: Double { placed == 0 ? .nan : Double(placedOnEdge) / Double(placed) }
}
