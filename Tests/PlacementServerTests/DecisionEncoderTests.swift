import Placement
import Testing

@testable import PlacementServer

/// The encoder writes tier and balancer names from literals; they must be the names the
/// contract gives, which are the enums' raw values.
@Suite struct DecisionEncoderTests {
  @Test(arguments: Tier.allCases)
  func tierLiteralIsItsName(tier: Tier) {
    #expect(tier.literal.description == tier.rawValue)
  }

  @Test(arguments: BalancerKind.allCases)
  func balancerLiteralIsItsName(kind: BalancerKind) {
    #expect(kind.literal.description == kind.rawValue)
  }
}
