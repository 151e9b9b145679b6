package io.featuremon.stats;

/** Two features (by index, a &lt; b) and their association in [0, 1]. */
public record AssociationPair(int a, int b, double association) {}
