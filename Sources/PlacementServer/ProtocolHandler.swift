public import Placement
import PlacementJSON

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Answers wire-protocol request lines (DESIGN.md section 7) against one engine: one JSON
/// object in, one JSON object out. Framing (lines, limits, sockets) belongs to the caller.
public struct ProtocolHandler: Sendable {
  /// The engine requests are decided by.
  public let engine: PlacementEngine
  private let reload: (@Sendable () -> Result<String, WireError>)?
  /// Where requests, errors and decisions are counted; rendered for the `metrics` op. Nil
  /// where none are kept (the op then answers `unknown_op`).
  private let metrics: ServerMetrics?

  /// Creates a handler.
  ///
  /// - Parameters:
  ///   - reload: re-reads the configuration for the `reload` op and says what it loaded; nil
  ///     where there is nothing to reload (the op then answers `unknown_op`).
  ///   - metrics: counts requests, errors and decisions, and renders them for the `metrics`
  ///     op; nil where none are kept.
  public init(
    engine: PlacementEngine, reload: (@Sendable () -> Result<String, WireError>)? = nil,
    metrics: ServerMetrics? = nil
  ) {
    self.engine = engine
    self.reload = reload
    self.metrics = metrics
  }

  /// The response to one request line (without its `\n`), as one line ending in `\n`.
  public func respond(to line: some Collection<UInt8>) -> [UInt8] {
    var writer = JSONWriter(capacity: 512)
    var recent = WireRequestScanner.Recent()
    _ = respond(to: line, into: &writer, reusing: &recent)
    return writer.bytes
  }

  /// What a server needs to hold a response until the audit log has its record.
  package struct ResponseFacts {
    /// The sequence number of the audit record the answer rests on (a decision or completion).
    var auditSequence: UInt64?
    /// The request's id, for an error line that replaces the answer.
    var id: String?
    /// The lease a `place` answer hands out, to cancel if the answer is replaced.
    var lease: String?
  }

  /// As ``respond(to:)``, writing the response line (ending in `\n`) into `writer`, which must
  /// be empty: a server keeps one writer and so allocates nothing per answer.
  /// `recent` holds what the thread's last lines held (see ``WireRequestScanner/Recent``).
  package func respond(
    to line: some Collection<UInt8>, into writer: inout JSONWriter,
    reusing recent: inout WireRequestScanner.Recent
  ) -> ResponseFacts {
    var facts = ResponseFacts()
    respond(
      to: line, auditSequence: &facts.auditSequence, id: &facts.id, lease: &facts.lease,
      into: &writer, reusing: &recent)
    writer.endLine()
    return facts
  }

  private func respond(
    to line: some Collection<UInt8>, auditSequence: inout UInt64?, id requestID: inout String?,
    lease: inout String?, into writer: inout JSONWriter,
    reusing recent: inout WireRequestScanner.Recent
  ) {
    writer.beginObject()
    if let (request, id) = WireRequestScanner.decode(line, reusing: &recent) {
      // The common shape of place, explain and complete, read without a JSON tree.
      if let id {
        writer.key("id")
        writer.value(id)
        requestID = id
      }
      metrics?.record(op: request.op)
      do {
        auditSequence = try answer(request, into: &writer, lease: &lease)
      } catch {
        write(error, into: &writer)
      }
      writer.endObject()
      return
    }
    let value: JSONValue
    do {
      value = try JSONReader.parse(line)
    } catch {
      metrics?.record(op: "invalid")
      write(
        WireError(.badRequest, "invalid JSON at column \(error.column): \(error.message)"),
        into: &writer)
      writer.endObject()
      return
    }
    if case .object(let object) = value, case .string(let id)? = object["id"] {
      writer.key("id")
      writer.value(id)
      requestID = id
    }
    if let metrics {
      let op: String =
        if case .object(let object) = value, case .string(let op)? = object["op"] { op } else {
          "invalid"
        }
      metrics.record(op: op)
    }
    do {
      auditSequence = try answer(try WireRequest.decode(value), into: &writer, lease: &lease)
    } catch {
      write(error, into: &writer)
    }
    writer.endObject()
  }

  /// The error response for a line that could not be read whole (too long, not UTF-8), or
  /// that replaces an answer (echoing `id`).
  public static func errorLine(_ error: WireError, id: String? = nil) -> [UInt8] {
    var writer = JSONWriter()
    writer.beginObject()
    if let id {
      writer.key("id")
      writer.value(id)
    }
    write(error, into: &writer)
    writer.endObject()
    return writer.finishLine()
  }

  /// Writes the answer to `request`; returns the sequence number of the audit record it rests
  /// on, if any.
  private func answer(
    _ request: WireRequest, into writer: inout JSONWriter, lease: inout String?
  ) throws(WireError) -> UInt64? {
    switch request {
    case .place(let request):
      let started = metrics == nil ? 0 : Self.nanoseconds()
      let decision = try translate { () throws(PlacementError) in try engine.place(request) }
      metrics?.record(decision, seconds: Double(Self.nanoseconds() - started) / 1e9)
      writer.key("ok")
      writer.value(true)
      writer.key("decision")
      DecisionEncoder.write(decision, candidates: false, into: &writer)
      lease = decision.assignment?.lease
      return decision.auditSequence
    case .explain(let request):
      let decision = try translate { () throws(PlacementError) in try engine.explain(request) }
      writer.key("ok")
      writer.value(true)
      writer.key("decision")
      DecisionEncoder.write(decision, candidates: true, into: &writer)
    case .complete(let lease, let observedMs, let status):
      let completion = try translate { () throws(PlacementError) in
        try engine.complete(lease: lease, observedMs: observedMs, status: status)
      }
      writer.key("ok")
      writer.value(true)
      writer.key("completion")
      DecisionEncoder.write(completion, into: &writer)
      return completion.auditSequence
    case .health(let endpoint, let up):
      try translate { () throws(PlacementError) in
        try engine.setHealth(ofEndpoint: endpoint, up: up)
      }
      writer.key("ok")
      writer.value(true)
    case .status:
      writer.key("ok")
      writer.value(true)
      writer.key("status")
      DecisionEncoder.write(engine.status(), scaling: metrics?.scalingSignals(), into: &writer)
    case .metrics:
      guard let metrics else {
        throw WireError(.unknownOp, "metrics are kept by the daemon (placement serve)")
      }
      writer.key("ok")
      writer.value(true)
      writer.key("metrics")
      writer.value(metrics.render(engine: engine.status()))
    case .reload:
      guard let reload else {
        throw WireError(.unknownOp, "reload is served by the daemon (placement serve)")
      }
      let summary = try reload().get()
      writer.key("ok")
      writer.value(true)
      writer.key("reloaded")
      writer.value(summary)
    case .ping:
      writer.key("ok")
      writer.value(true)
    }
    return nil
  }

  private func translate<T>(_ body: () throws(PlacementError) -> T) throws(WireError) -> T {
    do {
      return try body()
    } catch {
      switch error {
      case .invalidRequest(let why): throw WireError(.badRequest, why)
      case .unknownLease: throw WireError(.unknownLease, error.description)
      case .unknownEndpoint: throw WireError(.unknownEndpoint, error.description)
      case .sealingFailed: throw WireError(.internal, error.description)
      case .auditUnavailable: throw WireError(.auditUnavailable, error.description)
      }
    }
  }

  private static func write(_ error: WireError, into writer: inout JSONWriter) {
    writer.key("ok")
    writer.value(false)
    writer.key("error")
    writer.beginObject()
    writer.key("code")
    writer.value(error.code.rawValue)
    writer.key("message")
    writer.value(error.message)
    writer.endObject()
  }

  private func write(_ error: WireError, into writer: inout JSONWriter) {
    metrics?.record(error: error.code)
    Self.write(error, into: &writer)
  }

  /// The monotonic clock in nanoseconds, for timing decisions.
  static func nanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }
}
