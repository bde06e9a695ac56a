/// One inference request to place (DESIGN.md section 7, `place` fields).
public struct PlacementRequest: Sendable, Hashable {
  /// The caller's id for the request, echoed in the decision; `""` when none was given.
  public var id: String
  /// The model to run, for example `detector-s`.
  public var model: String
  /// The end-to-end time the request may take, in milliseconds (greater than 0).
  public var latencyBudgetMs: Double
  /// The size of the payload that travels to the endpoint.
  public var payloadBytes: Int
  /// The payload itself, when the caller wants it sealed for a cloud pool.
  public var payload: [UInt8]?
  /// Data-sensitivity labels, for example `pii` or `restricted`.
  public var tags: Set<String>
  /// What happens when no endpoint meets the budget.
  public var priority: Priority
  /// The device or stream the request came from; `""` when unknown.
  public var source: String

  /// Creates a request; only the model and the budget are required.
  public init(
    id: String = "", model: String, latencyBudgetMs: Double, payloadBytes: Int? = nil,
    payload: [UInt8]? = nil, tags: Set<String> = [], priority: Priority = .standard,
    source: String = ""
  ) {
    self.id = id
    self.model = model
    self.latencyBudgetMs = latencyBudgetMs
    self.payloadBytes = payloadBytes ?? payload?.count ?? 0
    self.payload = payload
    self.tags = tags
    self.priority = priority
    self.source = source
  }
}

/// What happens to a request when no endpoint meets its budget (DESIGN.md section 6, step 7).
public enum Priority: String, Sendable, Hashable, CaseIterable {
  /// Placed anyway, on the lowest-estimate eligible endpoint, marked over budget.
  case critical
  /// Rejected.
  case standard
  /// Rejected; also shed when the whole pick set is at or over capacity.
  case sheddable
}
