import Placement
import PlacementJSON
import PlacementSealing
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The tamper-evident audit log (DESIGN.md section 9): hash-chained JSON Lines records of every
/// start, decision, completion, reload and stop, in segments that rotate by size.
///
/// Pass it to ``PlacementEngine`` as its recorder (with
/// ``EngineConfiguration/reportsCandidates`` set, so decisions carry their candidates). The
/// `record` calls come under the engine's lock: they only serialise, hash and append to an
/// in-memory buffer and return the sequence number. A writer thread hands batches to the kernel
/// with `write(2)` and calls `fdatasync` (group commit).
///
/// A server answers a decision only once ``whenDurable(_:_:)`` reports its record committed at
/// the level of the configured ``AuditDurability``:
///
/// ```swift
/// let log = try AuditLog(
///   configuration: AuditConfiguration(directory: "audit"),
///   topologyHash: try AuditDigest.file(topologyPath),
///   policyHash: try AuditDigest.policyDirectory(policiesPath))
/// let engine = PlacementEngine(
///   topology: topology, policies: policies,
///   configuration: EngineConfiguration(reportsCandidates: true), recorder: log)
/// let decision = try engine.place(request)
/// log.whenDurable(decision.auditSequence!) { error in answer(error == nil ? decision : ...) }
/// ...
/// log.close()
/// ```
public final class AuditLog: DecisionRecorder, Sendable {
  /// The fields a configuration may mask.
  public static let maskableFields = [
    "request.id", "request.model", "request.source", "request.tags",
  ]

  /// How the log was opened.
  public let configuration: AuditConfiguration
  /// What opening found: the record the chain continues from, a torn last line.
  public let recovery: AuditRecovery

  private let encoder: AuditRecordEncoder
  private let state: ConditionLock<WriterState>
  /// Where each record's line is built; taken only with `state` held.
  private let lineWriter = Mutex(JSONWriter(capacity: 8192, remembersNumbers: true))
  /// Where a decision record's members are written before `state` is taken (then copied into
  /// the line): taken before `state`, never with it held.
  private let memberWriter = Mutex(JSONWriter(capacity: 8192, remembersNumbers: true))
  private let file: SegmentFile
  /// Held while a batch is taken from the state and written (and synced), by the writer thread
  /// or by a server's event loop in ``writeNow()``: batches reach the file in the order they
  /// were taken, whichever thread writes them.
  private let writing = Mutex(())
  /// The segment this log opened with (the one after those recovery found).
  private let firstSegment: Int
  /// ``AuditConfiguration/writerLinger`` in nanoseconds, in `buffered` mode; 0 otherwise.
  private let lingerNanoseconds: UInt64
  private let retryInterval: UInt64 = 200_000_000

  /// Opens (or creates) the log in `configuration.directory`, recovers from a crash (the chain
  /// continues from the last valid record, in a new segment), starts the writer thread and
  /// appends a `start` record carrying the digests of the topology and policy set in force
  /// (see ``AuditDigest``).
  ///
  /// - Throws: ``AuditError`` when the configuration cannot work, the directory cannot be
  ///   used, or the last record does not verify (another key, or tampering).
  public init(
    configuration: AuditConfiguration, topologyHash: String, policyHash: String
  ) throws(AuditError) {
    guard configuration.segmentSize >= 4096 else {
      throw .invalidConfiguration("segment size \(configuration.segmentSize) is under 4096 bytes")
    }
    guard configuration.syncInterval > .zero else {
      throw .invalidConfiguration("the sync interval must be positive")
    }
    for field in configuration.maskedFields where !Self.maskableFields.contains(field) {
      throw .invalidConfiguration(
        "cannot mask '\(field)'; maskable fields: \(Self.maskableFields.joined(separator: ", "))")
    }
    if !configuration.maskedFields.isEmpty, configuration.key == nil {
      throw .invalidConfiguration(
        "masking \(configuration.maskedFields.joined(separator: ", ")) needs an audit key"
          + " (--audit-key FILE; 'placement audit keygen --out FILE' makes one): an unkeyed"
          + " digest of a short value is reversed by guessing")
    }
    let hasher = GenericHash(key: configuration.key)
    try AuditSegments.makeDirectory(configuration.directory)
    let recovery = try Self.recover(configuration.directory, hasher: hasher)
    self.configuration = configuration
    let linger = configuration.writerLinger.components
    lingerNanoseconds =
      configuration.durability == .buffered
      ? UInt64(max(0, linger.seconds)) * 1_000_000_000
        + UInt64(max(0, linger.attoseconds) / 1_000_000_000)
      : 0
    self.recovery = recovery
    encoder = AuditRecordEncoder(hasher: hasher, masked: Set(configuration.maskedFields))
    let segment = AuditSegments.number(ofName: recovery.segment)!
    firstSegment = segment
    state = ConditionLock(
      WriterState(
        nextSequence: recovery.resumedAfter + 1, prevHex: Array(recovery.resumedHash.utf8),
        segment: segment, topologyHash: topologyHash, policyHash: policyHash,
        durable: configuration.durability == .durable,
        continues: configuration.failureBehavior == .continue))
    state.withLock {
      $0.written = recovery.resumedAfter
      $0.synced = recovery.resumedAfter
      $0.lastWrittenHex = Array(recovery.resumedHash.utf8)
      $0.counters.lastSequence = recovery.resumedAfter
      $0.counters.writtenSequence = recovery.resumedAfter
      $0.counters.syncedSequence = recovery.resumedAfter
    }
    file = SegmentFile(directory: configuration.directory)
    _ = try append(type: "start") { writer, _ in
      encoder.start(
        configuration: configuration, segment: recovery.segment, topology: topologyHash,
        policies: policyHash, recovery: recovery, pid: Int(getpid()), into: &writer)
    }
    startWriter()
  }

  // MARK: Recording

  /// Records `decision`, made for `request`, and returns its sequence number. Only serialises
  /// and buffers; the record is committed later (see ``whenDurable(_:_:)``).
  ///
  /// - Throws: ``AuditError/unavailable(_:)`` in `refuse` mode while the log cannot write;
  ///   ``AuditError/closed`` after ``close(reason:)``.
  public func record(_ decision: Decision, for request: PlacementRequest) throws -> UInt64 {
    // Most of the record is written before the log's lock is taken, so the writer thread is not
    // kept from its batches meanwhile; only the digests in force are written under it.
    try memberWriter.withLock { members in
      members.reset()
      encoder.decision(decision, request: request, into: &members)
      return try members.withBytes { written in
        try append(type: "decision") { writer, state in
          writer.members(written)
          encoder.digests(topology: state.topologyHash, policies: state.policyHash, into: &writer)
        }
      }
    }
  }

  /// Records that `lease` completed; returns the record's sequence number.
  public func record(
    _ completion: Completion, lease: String, observedMs: Double, status: CompletionStatus
  ) throws -> UInt64 {
    try append(type: "completion") { writer, _ in
      encoder.completion(
        completion, lease: lease, observedMs: observedMs, status: status, into: &writer)
    }
  }

  /// Records that the topology or the policy set changed; later decision records carry the new
  /// digests. Call it right after ``PlacementEngine/reconfigure(topology:policies:)``.
  @discardableResult
  public func recordReload(topologyHash: String, policyHash: String) throws(AuditError) -> UInt64 {
    try state.withLock { (state) throws(AuditError) in
      try self.appendLocked(&state, type: "reload") { writer, _ in
        encoder.digests(topology: topologyHash, policies: policyHash, into: &writer)
      }
      state.topologyHash = topologyHash
      state.policyHash = policyHash
      return state.nextSequence - 1
    }
  }

  /// Writes a record's members (everything between `type` and `prev`), given the state the
  /// record is appended in.
  private typealias Body = (inout JSONWriter, borrowing WriterState) -> Void

  private func append(type: StaticString, body: Body) throws(AuditError) -> UInt64 {
    try state.withLock { (state) throws(AuditError) in
      try self.appendLocked(&state, type: type, body: body)
      return state.nextSequence - 1
    }
  }

  /// Builds the line (`seq`, `time`, `type`, body, `prev`, `hash`) and buffers it.
  private func appendLocked(_ state: inout WriterState, type: StaticString, body: Body)
    throws(AuditError)
  {
    if state.closing { throw .closed }
    if let failure = state.failure, !state.continues {
      state.counters.recordsRefused += 1
      throw .unavailable(failure)
    }
    if state.continues, let first = state.gapFirst, state.gapRecord == nil,
      state.nextSequence > first
    {
      let last = state.nextSequence - 1
      state.gapRecord = state.nextSequence
      let reason = state.gapReason
      buffer(&state, type: "gap") { writer, _ in
        encoder.gap(first: first, last: last, reason: reason, into: &writer)
      }
    }
    buffer(&state, type: type, body: body)
  }

  /// Builds one line in the log's line writer, hashes it there and adds it to the batch: no
  /// buffer of its own per record (a decision record's members come from `memberWriter`).
  private func buffer(_ state: inout WriterState, type: StaticString, body: Body) {
    let sequence = state.nextSequence
    AuditTimestamp.update(
      &state.timeText, second: &state.timeSecond, to: AuditTimestamp.nowMicroseconds())
    lineWriter.withLock { writer in
      writer.reset()
      writer.beginObject()
      writer.key("seq")
      writer.value(sequence)
      writer.key("time")
      state.timeText.withUnsafeBufferPointer { writer.value(verbatim: $0) }
      writer.key("type")
      writer.value(literal: type)
      body(&writer, state)
      writer.key("prev")
      state.prevHex.withUnsafeBufferPointer { writer.value(verbatim: $0) }
      writer.endObject()
      // `hash` covers the line up to `,"hash":"`, followed by `}`: the line as closed here.
      let digest = writer.withBytes { encoder.hasher.hash(UnsafeRawBufferPointer($0)) }
      var hex: [UInt8] = []
      hex.reserveCapacity(64)
      Hex.append(digest, to: &hex)
      writer.reopenObject()
      writer.key("hash")
      hex.withUnsafeBufferPointer { writer.value(verbatim: $0) }
      writer.endObject()
      writer.endLine()
      writer.withBytes { line in batch(&state, line: line, sequence: sequence, hashHex: hex) }
    }
  }

  /// Adds a finished line to the batch the writer takes next, in its segment's chunk.
  private func batch(
    _ state: inout WriterState, line: UnsafeBufferPointer<UInt8>, sequence: UInt64,
    hashHex hex: [UInt8]
  ) {
    state.prevHex = hex
    state.nextSequence += 1
    state.counters.recordsAppended += 1
    state.counters.lastSequence = sequence
    if state.segmentBytes > 0, state.segmentBytes + line.count > configuration.segmentSize {
      state.segment += 1
      state.segmentBytes = 0
    }
    state.segmentBytes += line.count
    if let last = state.chunks.indices.last, state.chunks[last].segment == state.segment {
      state.chunks[last].bytes.append(contentsOf: line)
      state.chunks[last].lastSequence = sequence
      state.chunks[last].lastHashHex = hex
    } else {
      let startsBatch = state.chunks.isEmpty
      if startsBatch { state.pendingSince = ConditionLock<WriterState>.now() }
      state.chunks.append(
        Chunk(
          segment: state.segment, bytes: Array(line), firstSequence: sequence,
          lastSequence: sequence, lastHashHex: hex))
      // The writer thread needs waking only when a batch starts (later records join it), and
      // not at all when it lingers: it then wakes by itself every linger, as the fallback for
      // the event loops that write their own batches (writeNow).
      if startsBatch && lingerNanoseconds == 0 && !state.writerPolling { self.state.broadcast(0) }
    }
  }

  // MARK: Commit

  /// The highest sequence number committed at the configured durability level: handed to the
  /// kernel (`buffered`) or on disk (`durable`). Records commit in sequence order.
  public func durableSequence() -> UInt64 {
    state.withLock { $0.committed }
  }

  /// Calls `callback` once record `sequence` is committed (nil), or could not be (the error:
  /// answer `audit_unavailable`). It runs on the writer thread, or at once on the caller's
  /// when already settled: keep it short and never block in it. In `continue` mode a record
  /// that was dropped settles with nil (the loss is counted and logged as a `gap`).
  public func whenDurable(
    _ sequence: UInt64, _ callback: @escaping @Sendable (AuditError?) -> Void
  ) {
    let settled: AuditError?? = state.withLock { state in
      if let outcome = state.outcome(of: sequence) { return .some(outcome) }
      state.waiters.append(Waiter(sequence: sequence, callback: callback))
      return .none
    }
    if case .some(let outcome) = settled { callback(outcome) }
  }

  /// Blocks the calling thread until record `sequence` is committed, for embedders without an
  /// event loop.
  ///
  /// - Throws: ``AuditError/unavailable(_:)`` when it could not be written (`refuse` mode).
  public func waitUntilDurable(_ sequence: UInt64) throws(AuditError) {
    let outcome = state.wait(
      on: 1, until: { $0.outcome(of: sequence) != nil }, then: { $0.outcome(of: sequence)! })
    if let outcome { throw outcome }
  }

  /// Blocks until every record taken so far is committed, and in `buffered` mode also synced.
  public func flush() throws(AuditError) {
    let last = state.withLock { state in
      state.syncRequested = true
      self.state.broadcast(0)
      return state.nextSequence - 1
    }
    try waitUntilDurable(last)
    let outcome = state.wait(
      on: 1, until: { $0.synced >= last || $0.failure != nil || $0.writerExited },
      then: { $0.synced >= last ? nil : AuditError.unavailable($0.failure ?? "the log is closed") })
    if let outcome { throw outcome }
  }

  /// In `buffered` mode, writes every record taken so far on the calling thread, so that a
  /// server answering from an event loop need not wait for the writer thread to wake: one
  /// `write(2)` for all the records taken since the last one (group commit on the caller's
  /// thread); their waiters' callbacks run before it returns.
  ///
  /// Does nothing in `durable` mode (the writer thread writes and syncs), while the log is
  /// failing or closing (the writer thread retries or stops), or when another thread is
  /// writing (that thread takes these records too). Records bound for a segment not yet open,
  /// and those after them, go back to the writer thread, which opens it: that syncs the
  /// previous segment, and the caller should not wait on the disk. On a write error the
  /// records go back too, and the writer handles the failure as the configured behaviour says.
  public func writeNow() {
    guard configuration.durability == .buffered else { return }
    let outcome = writing.withLockIfAvailable {
      _ -> (ready: [(@Sendable (AuditError?) -> Void, AuditError?)], handBack: Bool) in
      let (chunks, since) = state.withLock { state -> ([Chunk], UInt64) in
        guard state.retryAt == nil, state.failure == nil, !state.closing else { return ([], 0) }
        let chunks = state.chunks
        state.chunks = []
        return (chunks, state.pendingSince)
      }
      guard !chunks.isEmpty else { return ([], false) }
      var written = 0
      var bytes = 0
      for chunk in chunks {
        // Opening a segment first syncs the one before it, and the directory: that waits on the
        // disk (tens of milliseconds, far more on an SD card), so it is left to the writer
        // thread while the caller's event loop goes on serving.
        guard file.isOpen, chunk.segment == file.number, file.write(chunk) == nil else { break }
        written += 1
        bytes += chunk.bytes.count
      }
      let ready = state.withLock { state in
        if written < chunks.count {
          // Back in front of any taken since, as old as they were: the writer thread takes
          // them one linger after they came, however many records follow.
          state.chunks = Array(chunks[written...]) + state.chunks
          state.pendingSince = since
        }
        return self.apply(
          &state, chunks: Array(chunks[..<written]), written: written, bytes: bytes,
          syncedThrough: nil, error: nil, closing: false
        ).0
      }
      return (ready, written < chunks.count)
    }
    guard let outcome else { return }
    if outcome.handBack { state.broadcast(0) }
    settle(outcome.ready)
  }

  /// The counters since the log opened, for metrics and status.
  public var counters: AuditCounters { state.withLock { $0.counters } }

  /// The last record taken: its sequence number and hash (`placement audit verify
  /// --expect-head SEQ:HASH` checks a later log still holds it).
  public var head: (sequence: UInt64, hash: String) {
    state.withLock { ($0.nextSequence - 1, String(decoding: $0.prevHex, as: UTF8.self)) }
  }

  /// Appends a `stop` record, writes and syncs everything, stops the writer thread and closes
  /// the segment. Further `record` calls throw ``AuditError/closed``. Safe to call twice.
  ///
  /// - Throws: ``AuditError/unavailable(_:)`` when records could not be written by then (they
  ///   are counted in ``AuditCounters/recordsLost``).
  public func close(reason: String = "shutdown") throws(AuditError) {
    let alreadyClosing = state.withLock { state -> Bool in
      if state.closing { return true }
      if state.failure == nil || state.continues {
        try? appendLocked(&state, type: "stop") { writer, state in
          encoder.stop(reason: reason, counters: state.counters, into: &writer)
        }
      }
      state.closing = true
      self.state.broadcast(0)
      return false
    }
    let outcome = state.wait(
      on: 1, until: { $0.writerExited },
      then: { state -> AuditError? in state.failure.map { AuditError.unavailable($0) } })
    if alreadyClosing { return }
    if let thread = state.withLock({ $0.thread }) { pthread_join(thread, nil) }
    if let outcome { throw outcome }
  }

  // MARK: Writer thread

  private func startWriter() {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    pthread_create(
      &thread, nil,
      { context in
        let log = Unmanaged<AuditLog>.fromOpaque(context!).takeRetainedValue()
        log.runWriter()
        return nil
      }, context)
    state.withLock { $0.thread = thread }
  }

  /// How long a writer that has just written waits before looking for more records (see
  /// `runWriter`): the most a record's commit waits for the writer under load.
  static let pollInterval: UInt64 = 10_000

  private func runWriter() {
    let syncInterval =
      UInt64(configuration.syncInterval.components.seconds) * 1_000_000_000
      + UInt64(configuration.syncInterval.components.attoseconds / 1_000_000_000)
    // In buffered mode a server's event loop writes its own batches (writeNow); the writer
    // thread lingers this long before taking records itself, as the fallback.
    let linger = lingerNanoseconds
    // Without a linger (the embedded default), a writer that has just written looks again
    // one poll later instead of being woken for each new batch: under load, records then
    // gather into batches and appenders stop paying for a wake-up each; once a poll finds
    // nothing, the writer sleeps until woken, so an idle log costs nothing.
    let polls = linger == 0 && configuration.durability == .buffered
    var pollDeadline: UInt64 = 0
    var lastSync = ConditionLock<WriterState>.now()
    while true {
      let syncDeadline = lastSync + syncInterval
      state.wait(
        on: 0,
        until: { state in
          let now = ConditionLock<WriterState>.now()
          if state.closing { return true }
          if let retry = state.retryAt { return now >= retry }
          if state.syncRequested { return true }
          if state.writerPolling && now >= pollDeadline {
            if !state.chunks.isEmpty { return true }
            state.writerPolling = false
          } else if !state.writerPolling && !state.chunks.isEmpty
            && now >= state.pendingSince + linger
          {
            return true
          }
          return state.written > state.synced && now >= syncDeadline
        },
        deadlineOf: { state in
          // After a failure (refuse mode) nothing is taken before the retry: the records put
          // back, whose own deadlines have passed, must not make the writer spin.
          if let retry = state.retryAt, !state.closing { return retry }
          var deadline: UInt64? = nil
          if state.writerPolling { deadline = pollDeadline }
          if state.written > state.synced { deadline = min(deadline ?? syncDeadline, syncDeadline) }
          if let retry = state.retryAt { deadline = min(deadline ?? retry, retry) }
          if state.writerPolling {
            // The poll deadline above decides.
          } else if !state.chunks.isEmpty {
            let taken = state.pendingSince + linger
            deadline = min(deadline ?? taken, taken)
          } else if linger > 0 {
            // Not woken for new batches: look again one linger from now.
            let next = ConditionLock<WriterState>.now() + linger
            deadline = min(deadline ?? next, next)
          }
          return deadline
        },
        then: { _ in () })
      // Take the batch and write it holding `writing`, so that an event loop writing in
      // between (writeNow) can never put a later batch in the file before this one.
      let (callbacks, exit, syncLater) = writing.withLock { _ in
        let (chunks, closing, syncDue, healthy) = state.withLock {
          state -> ([Chunk], Bool, Bool, Bool) in
          let now = ConditionLock<WriterState>.now()
          if let retry = state.retryAt, now < retry, !state.closing {
            return ([], false, false, false)
          }
          // A retry after a failure also syncs: a failed fdatasync is retried that way.
          let due =
            state.syncRequested || state.retryAt != nil
            || (state.written > state.synced && now >= syncDeadline)
          let chunks = state.chunks
          state.chunks = []
          state.syncRequested = false
          return (chunks, state.closing, due, state.failure == nil && state.retryAt == nil)
        }
        var error: (code: Int32, operation: String)?
        var writtenChunks = 0
        var bytes = 0
        for chunk in chunks {
          if let failure = file.write(chunk) {
            error = failure
            break
          }
          writtenChunks += 1
          bytes += chunk.bytes.count
        }
        var synced = false
        let mustSync =
          (configuration.durability == .durable && writtenChunks > 0) || syncDue || closing
        // In buffered mode nobody's answer waits for the sync: it runs after `writing` is
        // released (below), so event loops go on writing while the disk catches up. Not on a
        // retry after a failure: the log must not look healthy until that sync has worked.
        let syncLater =
          mustSync && configuration.durability == .buffered && !closing && error == nil
          && file.isOpen && healthy
        if mustSync, error == nil, !syncLater {
          if file.isOpen, let failure = file.sync() {
            // The next attempt waits a sync interval (continue mode) or the retry (refuse
            // mode), not the next turn of this loop.
            error = failure
          } else {
            synced = true
          }
          lastSync = ConditionLock<WriterState>.now()
        }
        return state.withLock { state in
          if polls && writtenChunks > 0 {
            state.writerPolling = true
            pollDeadline = ConditionLock<WriterState>.now() + Self.pollInterval
          }
          let (callbacks, exit) = self.apply(
            &state, chunks: chunks, written: writtenChunks, bytes: bytes,
            syncedThrough: synced ? .max : nil, error: error, closing: closing)
          return (callbacks, exit, syncLater ? state.written : nil)
        }
      }
      settle(callbacks)
      if let through = syncLater {
        // Only this thread opens, rotates or closes the segment file, so its descriptor holds
        // still while the sync runs; writeNow only appends to it.
        let failure = file.sync()
        lastSync = ConditionLock<WriterState>.now()
        let callbacks = writing.withLock { _ in
          state.withLock { state in
            self.apply(
              &state, chunks: [], written: 0, bytes: 0,
              syncedThrough: failure == nil ? through : nil, error: failure, closing: false
            ).0
          }
        }
        settle(callbacks)
      }
      if exit {
        file.close()
        state.withLock { $0.writerExited = true }
        state.broadcast(1)
        return
      }
    }
  }

  /// Wakes the threads waiting for progress and runs the callbacks of the records settled.
  private func settle(_ callbacks: [(@Sendable (AuditError?) -> Void, AuditError?)]) {
    state.broadcast(1)
    for (callback, outcome) in callbacks { callback(outcome) }
  }

  /// Folds a batch's result into the state; returns the callbacks to run and whether the writer
  /// thread should stop.
  ///
  /// `syncedThrough` is the last record a sync covered (`.max`: everything written), nil when
  /// there was no sync.
  private func apply(
    _ state: inout WriterState, chunks: [Chunk], written: Int, bytes: Int,
    syncedThrough: UInt64?, error: (code: Int32, operation: String)?, closing: Bool
  ) -> ([(@Sendable (AuditError?) -> Void, AuditError?)], Bool) {
    if written > 0 {
      let last = chunks[written - 1]
      state.written = last.lastSequence
      state.lastWrittenHex = last.lastHashHex
      state.counters.recordsWritten += chunks[..<written].reduce(0) {
        $0 + $1.lastSequence - $1.firstSequence + 1
      }
      state.counters.bytesWritten += UInt64(bytes)
      state.counters.writtenSequence = state.written
      if let gap = state.gapRecord, state.written >= gap {
        state.gapFirst = nil
        state.gapRecord = nil
      }
    }
    if let through = syncedThrough {
      state.synced = max(state.synced, min(through, state.written))
      state.counters.syncedSequence = state.synced
      state.counters.syncs += 1
    }
    var exit = closing
    if let error {
      let reason = "\(error.operation): \(AuditSegments.message(error.code))"
      state.counters.writeFailures += 1
      state.failure = reason
      state.counters.failure = reason
      let unwritten = Array(chunks[written...])
      if state.continues || closing {
        // Drop what could not be written, count it, and chain on from the last written record.
        let dropped = unwritten + state.chunks
        state.chunks = []
        if let first = dropped.first?.firstSequence {
          let lost = dropped.reduce(0) { $0 + $1.lastSequence - $1.firstSequence + 1 }
          state.counters.recordsLost += lost
          state.gapFirst = min(state.gapFirst ?? first, first)
          state.gapReason = reason
          state.gapRecord = nil
          state.dropped = state.nextSequence - 1
        }
        state.prevHex = state.lastWrittenHex
        // The dropped records took no segment: the next ones go where the file is (or to this
        // log's first segment when none was opened yet), so the numbers have no hole.
        if file.number > 0 {
          state.segment = file.number
          state.segmentBytes = file.offset
        } else {
          state.segment = firstSegment
          state.segmentBytes = 0
        }
      } else {
        // Keep the records and retry; refuse new ones meanwhile.
        state.chunks = unwritten + state.chunks
        state.retryAt = ConditionLock<WriterState>.now() + retryInterval
      }
    } else if written == chunks.count && (written > 0 || syncedThrough != nil) {
      // Something was written or synced, and all of it went well: the log is healthy again.
      state.failure = nil
      state.counters.failure = nil
      state.retryAt = nil
    }
    if closing, state.chunks.isEmpty { exit = true }
    if closing, error != nil { exit = true }
    var ready: [(@Sendable (AuditError?) -> Void, AuditError?)] = []
    var waiting: [Waiter] = []
    for waiter in state.waiters {
      if let outcome = state.outcome(of: waiter.sequence) {
        ready.append((waiter.callback, outcome))
      } else {
        waiting.append(waiter)
      }
    }
    state.waiters = waiting
    return (ready, exit)
  }

  // MARK: Recovery

  /// Finds the last valid record in `directory` and the new segment to write.
  static func recover(_ directory: String, hasher: GenericHash) throws(AuditError)
    -> AuditRecovery
  {
    let segments = try AuditSegments.list(directory)
    var recovery = AuditRecovery(
      resumedAfter: 0, resumedHash: Hex.zeroHash,
      segment: AuditSegments.name((segments.last?.number ?? 0) + 1))
    for segment in segments.reversed() {
      let bytes = try AuditSegments.read(segment.path)
      guard !bytes.isEmpty else { continue }
      var end = bytes.count
      if bytes.last != UInt8(ascii: "\n") {
        let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1
        if recovery.tornFile == nil {
          recovery.tornFile = segment.path
          recovery.tornLine = bytes[..<(lastNewline + 1)].reduce(1) {
            $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0)
          }
          recovery.tornBytes = bytes.count - lastNewline - 1
        }
        end = lastNewline + 1
        if end == 0 { continue }
      }
      let lineEnd = end - 1
      let lineStart = (bytes[..<lineEnd].lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
      let lineNumber = bytes[..<lineStart].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
      let line = Array(bytes[lineStart..<lineEnd])
      let parsed: (UInt64, String)? = line.withUnsafeBytes { line in
        guard let split = AuditLine.split(line) else { return nil }
        let stored = Array(line[split.hash])
        guard AuditLine.expectedHash(line, hashedEnd: split.hashedEnd, hasher: hasher) == stored,
          let sequence = Self.sequence(of: line)
        else { return nil }
        return (sequence, String(decoding: stored, as: UTF8.self))
      }
      guard let (sequence, hash) = parsed else {
        throw .corrupt(
          path: segment.path, line: lineNumber,
          reason: "the last record does not verify"
            + (hasher.isKeyed
              ? " with this audit key (another key, or the record was changed)"
              : " (a keyed log opened without --audit-key, or the record was changed)"))
      }
      recovery.resumedAfter = sequence
      recovery.resumedHash = hash
      break
    }
    return recovery
  }

  /// The `seq` at the start of a line: `{"seq":N,`.
  static func sequence(of line: UnsafeRawBufferPointer) -> UInt64? {
    let prefix = Array(#"{"seq":"#.utf8)
    guard line.count > prefix.count, Array(line[..<prefix.count]) == prefix else { return nil }
    var value: UInt64 = 0
    var index = prefix.count
    while index < line.count, line[index] >= 0x30, line[index] <= 0x39 {
      let (times, overflow) = value.multipliedReportingOverflow(by: 10)
      if overflow { return nil }
      value = times + UInt64(line[index] - 0x30)
      index += 1
    }
    guard index > prefix.count, index < line.count, line[index] == UInt8(ascii: ",") else {
      return nil
    }
    return value
  }
}

/// Bytes bound for one segment, with the records they hold.
struct Chunk: Sendable {
  var segment: Int
  var bytes: [UInt8]
  var firstSequence: UInt64
  var lastSequence: UInt64
  var lastHashHex: [UInt8]
}

/// Someone waiting for a record to commit.
struct Waiter: Sendable {
  var sequence: UInt64
  var callback: @Sendable (AuditError?) -> Void
}

/// Everything the record path and the writer thread share, under one lock.
struct WriterState: Sendable {
  var nextSequence: UInt64
  var prevHex: [UInt8]
  /// The last record's `time`, as text, and its second since the epoch.
  var timeText: [UInt8] = []
  var timeSecond: Int64 = .min
  /// The writer thread looks for records by itself (it wrote a moment ago): appenders need not
  /// wake it.
  var writerPolling = false
  var segment: Int
  var segmentBytes = 0
  var topologyHash: String
  var policyHash: String
  let durable: Bool
  let continues: Bool
  var chunks: [Chunk] = []
  /// When `chunks` last went from empty to not: the writer thread lingers from there.
  var pendingSince: UInt64 = 0
  var written: UInt64 = 0
  var synced: UInt64 = 0
  var lastWrittenHex: [UInt8] = []
  var waiters: [Waiter] = []
  var failure: String?
  var retryAt: UInt64?
  var gapFirst: UInt64?
  var gapRecord: UInt64?
  var gapReason = ""
  var dropped: UInt64 = 0
  var syncRequested = false
  var closing = false
  var writerExited = false
  var thread: pthread_t?
  var counters = AuditCounters()

  init(
    nextSequence: UInt64, prevHex: [UInt8], segment: Int, topologyHash: String,
    policyHash: String, durable: Bool, continues: Bool
  ) {
    self.nextSequence = nextSequence
    self.prevHex = prevHex
    self.segment = segment
    self.topologyHash = topologyHash
    self.policyHash = policyHash
    self.durable = durable
    self.continues = continues
  }

  /// The highest sequence number committed at the configured level.
  var committed: UInt64 { durable ? synced : written }

  /// nil while record `sequence` is pending; `.some(nil)` once committed (or dropped in
  /// `continue` mode); `.some(error)` when it failed in `refuse` mode.
  func outcome(of sequence: UInt64) -> AuditError?? {
    if sequence <= committed { return .some(nil) }
    if continues, sequence <= dropped { return .some(nil) }
    if let failure, !continues { return .some(.unavailable(failure)) }
    if writerExited { return .some(.closed) }
    return nil
  }
}

extension ConditionLock<WriterState> {
}

/// The open segment. Written by the thread holding the log's `writing` lock; opened, rotated,
/// synced and closed only by the writer thread (an event loop's `writeNow` appends to the open
/// segment and nothing else), which may therefore sync it without holding `writing`, and close
/// it at exit once `closing` keeps every other thread from writing.
final class SegmentFile: @unchecked Sendable {
  let directory: String
  private(set) var descriptor: Int32 = -1
  private(set) var number = 0
  private(set) var offset = 0

  init(directory: String) { self.directory = directory }

  var isOpen: Bool { descriptor >= 0 }

  /// Writes `chunk` whole to its segment (opening it, and syncing and closing the previous one,
  /// when it changes). On failure the segment is cut back to where the chunk started, so no
  /// partial record stays behind.
  func write(_ chunk: Chunk) -> (code: Int32, operation: String)? {
    if chunk.segment != number || descriptor < 0 {
      if descriptor >= 0 {
        if AuditSegments.dataSync(descriptor) != 0 { return (errno, "syncing segment \(number)") }
        close()
      }
      let path = AuditSegments.path(directory, AuditSegments.name(chunk.segment))
      let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
      guard opened >= 0 else { return (errno, "creating \(path)") }
      var status = stat()
      fstat(opened, &status)
      descriptor = opened
      number = chunk.segment
      offset = Int(status.st_size)
      AuditSegments.syncDirectory(directory)
    }
    let code = chunk.bytes.withUnsafeBytes { AuditSegments.writeAll(descriptor, $0) }
    if code != 0 {
      _ = ftruncate(descriptor, off_t(offset))
      return (code, "writing \(AuditSegments.name(number))")
    }
    offset += chunk.bytes.count
    return nil
  }

  /// `fdatasync`s the open segment.
  func sync() -> (code: Int32, operation: String)? {
    guard descriptor >= 0 else { return nil }
    let code = AuditSegments.dataSync(descriptor)
    return code == 0 ? nil : (code, "syncing \(AuditSegments.name(number))")
  }

  func close() {
    if descriptor >= 0 { Glibc.close(descriptor) }
    descriptor = -1
  }
}
