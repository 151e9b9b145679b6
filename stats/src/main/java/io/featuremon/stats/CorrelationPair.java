package io.featuremon.stats;

/** Two dimensions (by index) and their Pearson correlation. */
public record CorrelationPair(int a, int b, double corr) {}
