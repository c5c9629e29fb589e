/// Deterministic generator of realistic supply-chain networks with labelled anomalies.
public enum SampleNetwork {}
