import Placement
import PlacementJSON

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// One request line of the wire protocol, decoded and checked (DESIGN.md section 7).
enum WireRequest: Equatable {
  case place(PlacementRequest)
  case explain(PlacementRequest)
  case complete(lease: String, observedMs: Double, status: CompletionStatus)
  case health(endpoint: String, up: Bool)
  case status
  case metrics
  case reload
  case ping

  /// The request's `op`.
  var op: String {
    switch self {
    case .place: "place"
    case .explain: "explain"
    case .complete: "complete"
    case .health: "health"
    case .status: "status"
    case .metrics: "metrics"
    case .reload: "reload"
    case .ping: "ping"
    }
  }

  /// Every operation, in the order error messages list them.
  static let operations = [
    "place", "explain", "complete", "health", "reload", "status", "metrics", "ping",
  ]

  /// Decodes a parsed line. `id` is the request's id when it had a valid one, so even an error
  /// response can echo it.
  static func decode(_ value: JSONValue) throws(WireError) -> WireRequest {
    guard case .object(let object) = value else {
      throw WireError(.badRequest, "expected a JSON object, found \(value.summary)")
    }
    guard case .string(let op)? = object["op"] else {
      throw WireError(
        .badRequest,
        "op: expected one of \(operations.joined(separator: ", ")), found \(object["op"]?.summary ?? "nothing")"
      )
    }
    var validator = JSONValidator()
    // Every op may carry an id, and it must be a string: it is echoed.
    _ = validator.string("id", in: object, at: "", required: false)
    let request: WireRequest?
    switch op {
    case "place", "explain":
      let placement = decodePlacement(object, &validator)
      request = placement.map { op == "place" ? .place($0) : .explain($0) }
    case "complete":
      _ = validator.object(
        value, at: "", allowedKeys: ["op", "id", "lease", "observed_ms", "status"])
      let lease = validator.string("lease", in: object, at: "", nonEmpty: true)
      let observed = validator.number("observed_ms", in: object, at: "", .nonNegative)
      let status =
        validator.choice("status", in: object, at: "", as: CompletionStatus.self, required: false)
        ?? .ok
      request = lease.flatMap { lease in
        observed.map { .complete(lease: lease, observedMs: $0, status: status) }
      }
    case "health":
      _ = validator.object(value, at: "", allowedKeys: ["op", "id", "endpoint", "state"])
      let endpoint = validator.string("endpoint", in: object, at: "", nonEmpty: true)
      let state = validator.choice("state", in: object, at: "", as: HealthState.self)
      request = endpoint.flatMap { endpoint in
        state.map { .health(endpoint: endpoint, up: $0 == .up) }
      }
    case "status", "metrics", "reload", "ping":
      _ = validator.object(value, at: "", allowedKeys: ["op", "id"])
      request =
        [
          "status": WireRequest.status, "metrics": .metrics, "reload": .reload, "ping": .ping,
        ][op]
    default:
      throw WireError(
        .unknownOp, "unknown op '\(op)'; expected one of \(operations.joined(separator: ", "))")
    }
    guard validator.issues.isEmpty, let request else {
      throw WireError(.badRequest, validator.issues.map(\.description).joined(separator: "; "))
    }
    return request
  }

  private enum HealthState: String, CaseIterable {
    case up, down
  }

  private static let placeKeys = [
    "op", "id", "model", "latency_budget_ms", "payload_bytes", "payload", "tags", "priority",
    "source",
  ]

  private static func decodePlacement(
    _ object: JSONObject, _ validator: inout JSONValidator
  ) -> PlacementRequest? {
    _ = validator.object(.object(object), at: "", allowedKeys: placeKeys)
    let id: String = if case .string(let id)? = object["id"] { id } else { "" }
    let model = validator.string("model", in: object, at: "", nonEmpty: true)
    let budget = validator.number("latency_budget_ms", in: object, at: "", .positive)
    let declaredBytes = validator.integer(
      "payload_bytes", in: object, at: "", atLeast: 0, required: false)
    var payload: [UInt8]?
    if let text = validator.string("payload", in: object, at: "", required: false) {
      if let data = Data(base64Encoded: text) {
        payload = Array(data)
      } else {
        validator.report("payload", expected: "base64", found: .string(text))
      }
    }
    if let declaredBytes, let payload, declaredBytes != payload.count {
      validator.report(
        "payload_bytes",
        "\(declaredBytes) differs from the payload's length \(payload.count); give one or make them agree"
      )
    }
    let tags = validator.strings("tags", in: object, at: "", required: false) ?? []
    let priority =
      validator.choice("priority", in: object, at: "", as: Priority.self, required: false)
      ?? .standard
    let source = validator.string("source", in: object, at: "", required: false) ?? ""
    guard let model, let budget else { return nil }
    return PlacementRequest(
      id: id, model: model, latencyBudgetMs: budget, payloadBytes: declaredBytes ?? payload?.count,
      payload: payload, tags: Set(tags), priority: priority, source: source)
  }
}
