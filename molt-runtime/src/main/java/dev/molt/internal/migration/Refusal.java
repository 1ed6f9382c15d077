package dev.molt.internal.migration;

/**
 * Why a value cannot be migrated, without where: the engine, which knows the path to the value,
 * turns it into a {@link dev.molt.code.MigrationException}.
 */
final class Refusal extends RuntimeException {
  /** Where below the value the problem is ({@code .count} for a component), or empty. */
  final String label;

  Refusal(String problem) {
    this("", problem);
  }

  Refusal(String label, String problem) {
    super(problem, null, false, false);
    this.label = label;
  }
}
