import CPlacementSystem
import PlacementAudit
import PlacementJSON
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What the event loops share: read-only setup, and the few atomics they coordinate through.
final class LoopShared: Sendable {
  let handler: ProtocolHandler
  let metrics: ServerMetrics
  let configuration: DaemonConfiguration
  let listener: Int32
  /// When set, an answer that rests on an audit record leaves only once the record is
  /// committed (DESIGN.md section 9; issue 5's durability modes).
  let audit: AuditLog?
  /// The highest audit sequence whose commit failed (refuse mode), and why: held answers up
  /// to it that were not committed become `audit_unavailable` errors.
  let auditFailure = Mutex<(through: UInt64, reason: String)?>(nil)
  /// Connections open across all loops, against the configured maximum.
  let openConnections = Atomic<Int>(0)
  /// Set once on SIGTERM/SIGINT: stop accepting, answer what was received, close.
  let stopping = Atomic<Bool>(false)

  init(
    handler: ProtocolHandler, metrics: ServerMetrics, configuration: DaemonConfiguration,
    listener: Int32, audit: AuditLog?
  ) {
    self.handler = handler
    self.metrics = metrics
    self.configuration = configuration
    self.listener = listener
    self.audit = audit
  }
}

/// One epoll loop on its own thread: accepts its share of connections (the listening socket
/// is in every loop's epoll set with `EPOLLEXCLUSIVE`), reads request lines, answers each
/// connection's lines in order, and writes without ever blocking, so a slow or stalled client
/// only ever waits for itself.
struct EventLoop: Sendable {
  /// The loop's epoll instance.
  let epoll: Int32
  /// An eventfd the daemon writes to wake the loop (to stop).
  let wakeup: Int32
  let shared: LoopShared

  init(shared: LoopShared) throws(DaemonError) {
    do {
      epoll = try SystemCall.run("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
      wakeup = try SystemCall.run("eventfd") {
        eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
      }
      try Self.register(epoll, wakeup, events: EPOLLIN.rawValue)
      try Self.register(epoll, shared.listener, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
    } catch {
      throw DaemonError(error)
    }
    self.shared = shared
  }

  /// Wakes the loop from another thread.
  func wake() {
    var one: UInt64 = 1
    _ = write(wakeup, &one, 8)
  }

  /// Runs until the daemon stops and every connection is answered and closed (or the drain
  /// timeout passed).
  func run() {
    var state = LoopState(loop: self)
    state.run()
  }

  /// Closes the loop's epoll instance and eventfd. Only once nothing can wake the loop any
  /// more: an audit callback still pending would otherwise write into a closed descriptor, or
  /// into whatever file later took its number.
  func closeDescriptors() {
    close(epoll)
    close(wakeup)
  }

  static func register(_ epoll: Int32, _ descriptor: Int32, events: UInt32) throws(SystemError) {
    var event = epoll_event()
    event.events = events
    event.data.fd = descriptor
    try SystemCall.run("epoll_ctl") { epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) }
  }
}

/// The loop's own state, touched only by its thread.
private struct LoopState: ~Copyable {
  let loop: EventLoop
  /// Where answers are written before they join a connection's output: one buffer for the
  /// loop, so an answer allocates nothing of its own.
  var writer = JSONWriter(capacity: 4096, remembersNumbers: true)
  /// The model, source and tags of the loop's last lines, reused while they repeat.
  var recent = WireRequestScanner.Recent()
  var connections: [Int32: Connection] = [:]
  var chunk = [UInt8](repeating: 0, count: 65536)
  var draining = false
  var drainDeadline: UInt64 = 0
  /// Connections with answers held for the audit log.
  var holding: Set<Int32> = []
  var lastSweep: UInt64 = 0
  /// Whether the loop has worked since it last trimmed malloc's free memory.
  var busySinceTrim = false

  var shared: LoopShared { loop.shared }
  var configuration: DaemonConfiguration { loop.shared.configuration }

  init(loop: EventLoop) {
    self.loop = loop
    lastSweep = Self.now()
  }

  static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }

  static func nanoseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    let (whole, overflow) = UInt64(max(0, seconds)).multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return .max }
    let (total, carry) = whole.addingReportingOverflow(UInt64(max(0, attoseconds) / 1_000_000_000))
    return carry ? .max : total
  }

  mutating func run() {
    var events = [epoll_event](repeating: epoll_event(), count: 256)
    while true {
      let timeout: Int32 = draining ? 20 : 1000
      let count = events.withUnsafeMutableBufferPointer {
        epoll_wait(loop.epoll, $0.baseAddress, Int32($0.count), timeout)
      }
      if count < 0 && errno != EINTR { return }
      if count == 0 && !draining && busySinceTrim {
        // A second with nothing to do after work: hand back to the system the memory a burst
        // left free in malloc's arenas (durable mode piles records up while fdatasync runs).
        #if canImport(Glibc)
          malloc_trim(0)
        #endif
        busySinceTrim = false
      } else if count > 0 {
        busySinceTrim = true
      }
      for index in 0..<max(0, Int(count)) {
        let descriptor = events[index].data.fd
        let flags = events[index].events
        if descriptor == shared.listener {
          acceptConnections()
        } else if descriptor == loop.wakeup {
          var value: UInt64 = 0
          _ = read(loop.wakeup, &value, 8)
        } else {
          service(descriptor, flags: flags)
        }
      }
      let now = Self.now()
      // Draining answers the lines already received: before the held answers are seen to.
      if !draining && shared.stopping.load(ordering: .acquiring) { beginDraining(now: now) }
      if !holding.isEmpty {
        // Write this iteration's records here rather than wait for the audit writer thread
        // (buffered mode): one write(2) for every answer held in this round.
        shared.audit?.writeNow()
        releaseCommittedAnswers()
        for descriptor in holding { awaitHeldAnswers(descriptor) }
      }
      if draining {
        for descriptor in Array(connections.keys) where connections[descriptor]?.pendingOutput == 0
        {
          closeConnection(descriptor)
        }
        if connections.isEmpty || now >= drainDeadline {
          for descriptor in Array(connections.keys) { closeConnection(descriptor) }
          return
        }
      } else if now - lastSweep >= 1_000_000_000 {
        closeIdleConnections(now: now)
        lastSweep = now
      }
    }
  }

  // MARK: accepting

  mutating func acceptConnections() {
    while !draining {
      let descriptor = placement_accept(shared.listener)
      if descriptor < 0 {
        if errno == EINTR || errno == ECONNABORTED { continue }
        return  // EAGAIN: another loop took it, or none left; EMFILE and the like: try later
      }
      let open = shared.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
      if open > configuration.maximumConnections {
        refuse(
          descriptor,
          WireError(
            .tooLarge,
            "too many connections: the daemon holds \(configuration.maximumConnections) already; try again later"
          ))
        shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
        continue
      }
      if let denial = peerDenial(descriptor) {
        refuse(descriptor, WireError(.forbiddenPeer, denial))
        shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
        continue
      }
      do {
        try EventLoop.register(
          loop.epoll, descriptor, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
      } catch {
        close(descriptor)
        shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
        continue
      }
      connections[descriptor] = Connection(now: Self.now())
      shared.metrics.connectionOpened()
    }
  }

  /// Why the peer on `descriptor` may not be answered, or nil when it may.
  func peerDenial(_ descriptor: Int32) -> String? {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
    guard placement_peer_credentials(descriptor, &pid, &uid, &gid) == 0 else {
      return "the daemon cannot read this connection's credentials"
    }
    if configuration.allowedUserIDs.contains(uid) || configuration.allowedGroupIDs.contains(gid) {
      return nil
    }
    return "uid \(uid) (gid \(gid), pid \(pid)) is not allowed to use this daemon"
  }

  /// Writes one error line, best effort, and closes.
  func refuse(_ descriptor: Int32, _ error: WireError) {
    shared.metrics.connectionRefused()
    shared.metrics.record(error: error.code)
    let line = ProtocolHandler.errorLine(error)
    _ = line.withUnsafeBytes {
      send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
    }
    close(descriptor)
  }

  // MARK: serving

  mutating func service(_ descriptor: Int32, flags: UInt32) {
    guard connections[descriptor] != nil else { return }
    if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
    {
      guard receive(descriptor) else { return }
    }
    answer(descriptor)
    flush(descriptor)
  }

  /// Reads what the socket has (up to a fair share per wake-up). False when the connection
  /// failed and was closed.
  mutating func receive(_ descriptor: Int32) -> Bool {
    guard var connection = connections[descriptor], !connection.readingPaused, !connection.closing
    else { return true }
    connections[descriptor] = nil  // edit it out of the table, so appends do not copy
    var received = 0
    var failed = false
    while received < 256 << 10 {
      let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        received += count
        connection.input.append(contentsOf: chunk[0..<count])
        // A short read took all there was; epoll is level-triggered and reports the rest,
        // so no second recv just to hear EAGAIN.
        if count < chunk.count { break }
        continue
      }
      if count == 0 {
        connection.closing = true
      } else if errno == EINTR {
        continue
      } else if errno != EAGAIN && errno != EWOULDBLOCK {
        failed = true
      }
      break
    }
    if received > 0 { connection.lastActive = Self.now() }
    connections[descriptor] = connection
    if failed {
      closeConnection(descriptor)
      return false
    }
    return true
  }

  /// Answers every complete line received, in order, while unsent answers stay under the
  /// high-water mark; a line over the limit gets `too_large` and is skipped up to its `\n`.
  mutating func answer(_ descriptor: Int32) {
    guard var connection = connections[descriptor] else { return }
    connections[descriptor] = nil
    defer { connections[descriptor] = connection }
    let limit = configuration.maximumLineLength
    while connection.pendingOutput < configuration.outputHighWater {
      guard
        let newline = connection.input.indexOfNewline(from: connection.scanned)
      else {
        connection.scanned = connection.input.count
        let buffered = connection.input.count - connection.start
        if buffered > limit {
          // Too long already: drop what is here and the rest of the line as it comes.
          connection.discarding += buffered
          connection.input.removeAll(keepingCapacity: true)
          connection.start = 0
          connection.scanned = 0
        } else if connection.closing && buffered > 0 && connection.discarding == 0 {
          // The client ended its last line without `\n`: answer it all the same.
          respond(to: connection.input[connection.start...], on: &connection)
          connection.start = connection.input.count
        }
        break
      }
      var end = newline
      if end > connection.start, connection.input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
      let length = newline - connection.start
      if connection.discarding > 0 || length > limit {
        let total = connection.discarding + length
        connection.discarding = 0
        append(
          ProtocolHandler.errorLine(
            WireError(.tooLarge, "line of \(total) bytes is over the limit of \(limit)")),
          to: &connection)
        shared.metrics.record(error: .tooLarge)
      } else if !connection.input[connection.start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
        respond(to: connection.input[connection.start..<end], on: &connection)
      }
      connection.start = newline + 1
      connection.scanned = connection.start
    }
    if connection.start > 0 && connection.start * 2 >= connection.input.count {
      connection.input.removeFirst(connection.start)
      connection.scanned -= connection.start
      connection.start = 0
    }
    // Held answers wait for the end of the round: the loop writes the round's records itself
    // (buffered mode), and asks to be woken only for those still not committed.
    if !connection.held.isEmpty { holding.insert(descriptor) }
    let wantPause = connection.pendingOutput >= configuration.outputHighWater
    if wantPause != connection.readingPaused {
      connection.readingPaused = wantPause
      updateInterest(descriptor, connection)
    }
  }

  mutating func respond(to line: ArraySlice<UInt8>, on connection: inout Connection) {
    writer.reset()
    let facts = shared.handler.respond(to: line, into: &writer, reusing: &recent)
    writer.withBytes { response in
      append(
        response, to: &connection, sequence: facts.auditSequence, id: facts.id,
        lease: facts.lease)
    }
  }

  /// Queues `response`. An answer whose audit record is not committed yet, and every answer
  /// after it, is held until it is.
  func append(
    _ response: some Collection<UInt8>, to connection: inout Connection, sequence: UInt64? = nil,
    id: String? = nil, lease: String? = nil
  ) {
    connection.discardSentOutput()
    let start = connection.output.count
    connection.output.append(contentsOf: response)
    guard let audit = shared.audit else { return }
    let mustWait = sequence.map { $0 > audit.durableSequence() } ?? false
    if mustWait || !connection.held.isEmpty {
      connection.held.append(
        HeldAnswer(
          sequence: sequence, id: id, lease: lease, start: start, end: connection.output.count))
    }
  }

  /// Asks the audit log to wake this loop once the connection's last held record commits.
  mutating func awaitHeldAnswers(_ descriptor: Int32) {
    guard let audit = shared.audit, var connection = connections[descriptor],
      let last = connection.held.lazy.compactMap(\.sequence).max(), last > connection.awaited
    else { return }
    connection.awaited = last
    connections[descriptor] = connection
    let loop = self.loop
    let shared = self.shared
    audit.whenDurable(last) { error in
      if let error {
        shared.auditFailure.withLock { failure in
          if (failure?.through ?? 0) < last { failure = (last, "\(error)") }
        }
      }
      loop.wake()
    }
  }

  /// Lets out every held answer whose record committed; one whose record failed becomes an
  /// `audit_unavailable` error line with its request's id.
  mutating func releaseCommittedAnswers() {
    guard let audit = shared.audit else { return }
    let committed = audit.durableSequence()
    let failure = shared.auditFailure.withLock { $0 }
    for descriptor in holding {
      guard var connection = connections[descriptor] else {
        holding.remove(descriptor)
        continue
      }
      connections[descriptor] = nil
      if let failure {
        replaceFailedAnswers(in: &connection, committed: committed, failure: failure)
      }
      let settledThrough = max(committed, failure?.through ?? 0)
      while let first = connection.held.first, (first.sequence ?? 0) <= settledThrough {
        connection.held.removeFirst()
      }
      connections[descriptor] = connection
      if connection.held.isEmpty { holding.remove(descriptor) }
      flush(descriptor)
    }
  }

  /// Rewrites the held region with an error line for each answer whose record failed.
  func replaceFailedAnswers(
    in connection: inout Connection, committed: UInt64,
    failure: (through: UInt64, reason: String)
  ) {
    func failed(_ answer: HeldAnswer) -> Bool {
      guard let sequence = answer.sequence else { return false }
      return sequence > committed && sequence <= failure.through
    }
    guard connection.held.contains(where: failed) else { return }
    let regionStart = connection.held[0].start
    var region: [UInt8] = []
    var rewritten: [HeldAnswer] = []
    for answer in connection.held {
      let start = regionStart + region.count
      if failed(answer) {
        region += ProtocolHandler.errorLine(
          WireError(.auditUnavailable, "the audit log cannot be written: \(failure.reason)"),
          id: answer.id)
        shared.metrics.record(error: .auditUnavailable)
        // The client never learns this lease: release it, or in-flight stays inflated.
        if let lease = answer.lease { shared.handler.engine.cancel(lease: lease) }
      } else {
        region += connection.output[answer.start..<answer.end]
      }
      // A rewritten answer no longer waits for its record.
      let sequence = failed(answer) ? nil : answer.sequence
      rewritten.append(
        HeldAnswer(
          sequence: sequence, id: answer.id, lease: failed(answer) ? nil : answer.lease,
          start: start, end: regionStart + region.count))
    }
    connection.output.replaceSubrange(regionStart..., with: region)
    connection.held = rewritten
  }

  /// Sends what it can without blocking; asks for `EPOLLOUT` when the socket is full.
  mutating func flush(_ descriptor: Int32) {
    guard var connection = connections[descriptor] else { return }
    connections[descriptor] = nil
    var failed = false
    let limit = connection.sendLimit
    while connection.sent < limit {
      let count = connection.output.withUnsafeBytes {
        send(
          descriptor, $0.baseAddress! + connection.sent, limit - connection.sent,
          Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
      }
      if count > 0 {
        connection.sent += count
        connection.lastActive = Self.now()
        continue
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
      failed = true  // EPIPE, ECONNRESET: the client is gone
      break
    }
    connection.discardSentOutput()
    connections[descriptor] = connection
    if failed
      || (connection.closing && connection.pendingOutput == 0 && !hasUnansweredLine(connection))
    {
      closeConnection(descriptor)
      return
    }
    let wantWrite = connection.sent < connection.sendLimit
    var changed = wantWrite != connection.waitingToWrite
    connection.waitingToWrite = wantWrite
    if connection.readingPaused && connection.pendingOutput < configuration.outputHighWater / 2 {
      connection.readingPaused = false
      changed = true
    }
    connections[descriptor] = connection
    if changed { updateInterest(descriptor, connection) }
    if !connection.readingPaused && hasUnansweredLine(connection) && connection.pendingOutput == 0 {
      // Reading resumed with lines already buffered: answer them now, not at the next byte.
      answer(descriptor)
      flush(descriptor)
    }
  }

  func hasUnansweredLine(_ connection: Connection) -> Bool {
    connection.input.indexOfNewline(from: connection.start) != nil
  }

  func updateInterest(_ descriptor: Int32, _ connection: Connection) {
    var event = epoll_event()
    event.events =
      (connection.readingPaused ? 0 : EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
      | (connection.waitingToWrite ? EPOLLOUT.rawValue : 0)
    event.data.fd = descriptor
    epoll_ctl(loop.epoll, EPOLL_CTL_MOD, descriptor, &event)
  }

  mutating func closeConnection(_ descriptor: Int32) {
    guard connections.removeValue(forKey: descriptor) != nil else { return }
    epoll_ctl(loop.epoll, EPOLL_CTL_DEL, descriptor, nil)
    close(descriptor)
    shared.openConnections.wrappingSubtract(1, ordering: .relaxed)
    shared.metrics.connectionClosed()
  }

  // MARK: stopping and idling

  /// Stops accepting, answers every complete line already received, and from then on closes
  /// each connection once its answers are sent.
  mutating func beginDraining(now: UInt64) {
    draining = true
    let (deadline, overflow) = now.addingReportingOverflow(
      Self.nanoseconds(configuration.drainTimeout))
    drainDeadline = overflow ? .max : deadline
    epoll_ctl(loop.epoll, EPOLL_CTL_DEL, shared.listener, nil)
    for descriptor in Array(connections.keys) {
      _ = receive(descriptor)
      connections[descriptor]?.closing = true
      connections[descriptor]?.readingPaused = false
      answer(descriptor)
      flush(descriptor)
    }
  }

  mutating func closeIdleConnections(now: UInt64) {
    let limit = Self.nanoseconds(configuration.idleTimeout)
    for (descriptor, connection) in connections
    where connection.isIdle(at: now, limit: limit) && connection.pendingOutput == 0 {
      closeConnection(descriptor)
    }
  }
}
