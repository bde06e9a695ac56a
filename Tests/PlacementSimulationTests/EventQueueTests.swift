import Placement
import PlacementSimulation
import Testing

@Suite struct EventQueueTests {
  @Test func popsInAscendingOrder() {
    var random = SeededGenerator(seed: 42)
    var queue = EventQueue<UInt64>()
    var pushed: [UInt64] = []
    for round in 0..<2000 {
      let value = random.next() % 500
      queue.push(value)
      pushed.append(value)
      // Interleave pops with pushes, as a simulation does.
      if round % 3 == 0, let smallest = queue.pop() {
        #expect(smallest == pushed.min())
        pushed.remove(at: pushed.firstIndex(of: smallest)!)
      }
    }
    #expect(queue.count == pushed.count)
    var popped: [UInt64] = []
    while let value = queue.pop() { popped.append(value) }
    #expect(popped == pushed.sorted())
    #expect(queue.isEmpty && queue.pop() == nil)
  }
}
