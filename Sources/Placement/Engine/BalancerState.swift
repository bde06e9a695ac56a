/// What the tier balancers remember between picks (DESIGN.md section 6, step 6), and the picks.
struct BalancerState {
  /// The endpoint (topology index) each tier picked last, for round robin; -1 before the first.
  private var lastEdgePick = -1
  private var lastCloudPick = -1
  /// Smooth weighted round robin's current value per endpoint (topology index).
  private var currentWeight: [Double]

  init(endpointCount: Int) {
    currentWeight = Array(repeating: 0, count: endpointCount)
  }

  /// One member of a pick set, as the balancers see it.
  struct Choice {
    var endpoint: Int
    var weight: Double
    var inFlight: Int
    var estimateMs: Double
  }

  /// Picks one of `choices` (non-empty, in topology order) for `tier`; returns its position.
  ///
  /// With `commit` false (an explanation) nothing is remembered and nothing is drawn: the
  /// random balancers show the endpoint they favour (`p2c`: fewest in flight per unit of weight;
  /// `random`: the largest weight).
  mutating func pick(
    _ kind: BalancerKind, tier: Tier, among choices: UnsafeBufferPointer<Choice>,
    random: inout SeededGenerator, commit: Bool
  ) -> Int {
    let position: Int
    switch kind {
    case .roundRobin:
      position = firstAfterLastPick(tier, among: choices) { _ in true }
    case .leastConnection:
      var fewest = Int.max
      for choice in choices { fewest = min(fewest, choice.inFlight) }
      position = firstAfterLastPick(tier, among: choices) { $0.inFlight == fewest }
    case .weighted:
      position = smoothWeighted(choices, commit: commit)
    case .p2c:
      position = commit ? powerOfTwo(choices, random: &random) : leastLoaded(choices)
    case .leastLatency:
      position = lowest(choices) { $0.estimateMs }
    case .random:
      position =
        commit
        ? weightedDraw(choices, excluding: -1, random: &random) : lowest(choices) { -$0.weight }
    }
    if commit { setLastPick(tier, choices[position].endpoint) }
    return position
  }

  /// The first choice after the tier's previous pick (wrapping) that passes `test`.
  private func firstAfterLastPick(
    _ tier: Tier, among choices: UnsafeBufferPointer<Choice>, where test: (Choice) -> Bool
  ) -> Int {
    let last = lastPick(tier)
    var wrapped: Int?
    for (position, choice) in choices.enumerated() where test(choice) {
      if choice.endpoint > last { return position }
      if wrapped == nil { wrapped = position }
    }
    return wrapped ?? 0
  }

  private mutating func smoothWeighted(_ choices: UnsafeBufferPointer<Choice>, commit: Bool) -> Int
  {
    var total = 0.0
    var best = 0
    var bestValue = -Double.infinity
    for (position, choice) in choices.enumerated() {
      total += choice.weight
      let value = currentWeight[choice.endpoint] + choice.weight
      if value > bestValue {
        best = position
        bestValue = value
      }
    }
    if commit {
      for choice in choices { currentWeight[choice.endpoint] += choice.weight }
      currentWeight[choices[best].endpoint] -= total
    }
    return best
  }

  private func powerOfTwo(_ choices: UnsafeBufferPointer<Choice>, random: inout SeededGenerator)
    -> Int
  {
    guard choices.count > 1 else { return 0 }
    let first = weightedDraw(choices, excluding: -1, random: &random)
    let second = weightedDraw(choices, excluding: first, random: &random)
    let (a, b) = (min(first, second), max(first, second))
    return load(choices[b]) < load(choices[a]) ? b : a
  }

  private func leastLoaded(_ choices: UnsafeBufferPointer<Choice>) -> Int {
    lowest(choices) { load($0) }
  }

  private func load(_ choice: Choice) -> Double { Double(choice.inFlight) / choice.weight }

  /// The first choice with the lowest `key`.
  private func lowest(_ choices: UnsafeBufferPointer<Choice>, by key: (Choice) -> Double) -> Int {
    var best = 0
    var bestKey = Double.infinity
    for (position, choice) in choices.enumerated() {
      let value = key(choice)
      if value < bestKey {
        best = position
        bestKey = value
      }
    }
    return best
  }

  /// A choice drawn in proportion to weight, never `excluded`.
  private func weightedDraw(
    _ choices: UnsafeBufferPointer<Choice>, excluding excluded: Int, random: inout SeededGenerator
  ) -> Int {
    var total = 0.0
    for (position, choice) in choices.enumerated() where position != excluded {
      total += choice.weight
    }
    var target = random.nextUnit() * total
    var last = 0
    for (position, choice) in choices.enumerated() where position != excluded {
      last = position
      target -= choice.weight
      if target < 0 { return position }
    }
    return last
  }

  /// Carries remembered state over to a new topology, through a map from old to new topology
  /// index (nil: the endpoint is gone).
  mutating func remap(endpointCount: Int, _ newIndex: (Int) -> Int?) {
    var weights = Array(repeating: 0.0, count: endpointCount)
    for (old, value) in currentWeight.enumerated() {
      if let new = newIndex(old) { weights[new] = value }
    }
    currentWeight = weights
    for tier in Tier.allCases {
      let last = lastPick(tier)
      setLastPick(tier, last < 0 ? -1 : newIndex(last) ?? -1)
    }
  }

  private func lastPick(_ tier: Tier) -> Int {
    tier == .edge ? lastEdgePick : lastCloudPick
  }

  private mutating func setLastPick(_ tier: Tier, _ endpoint: Int) {
    if tier == .edge { lastEdgePick = endpoint } else { lastCloudPick = endpoint }
  }
}
