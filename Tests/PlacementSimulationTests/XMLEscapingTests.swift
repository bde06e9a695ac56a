import PlacementSimulation
import Testing

/// Names in the SVG charts (titles, endpoints, pools, outcomes) come from user files.
@Suite struct XMLEscapingTests {
  @Test func escapesWhatWouldBreakSVGText() {
    #expect(#"a<b & "c">d"#.xmlEscaped == "a&lt;b &amp; &quot;c&quot;&gt;d")
    #expect("jetson-01 é".xmlEscaped == "jetson-01 é")
  }
}
