package dev.molt.internal.migration;

/** One record of an old version made into its new version: generated per pair of classes. */
public interface Converter {
  Object convert(Object old);
}
