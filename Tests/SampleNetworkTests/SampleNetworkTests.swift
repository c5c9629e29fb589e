import Testing
@testable import SampleNetwork
