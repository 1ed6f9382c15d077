package dev.molt.internal.code;

import dev.molt.code.Renamed;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.AnnotationValue;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.util.HashMap;
import java.util.Map;

/**
 * The classes of a version declared {@link Renamed}, read from their class files without defining
 * them.
 */
final class Renames {
  private static final String RENAMED = Renamed.class.descriptorString();

  private Renames() {}

  /** Old binary name to new, for every class of {@code bytes} that carries {@code @Renamed}. */
  static Map<String, String> of(Map<String, byte[]> bytes) {
    Map<String, String> renames = new HashMap<>();
    for (Map.Entry<String, byte[]> entry : bytes.entrySet()) {
      ClassModel model = ClassFile.of().parse(entry.getValue());
      model
          .findAttribute(Attributes.runtimeVisibleAnnotations())
          .ifPresent(
              attribute -> {
                for (Annotation annotation : attribute.annotations()) {
                  if (annotation.className().stringValue().equals(RENAMED)) {
                    for (AnnotationElement element : annotation.elements()) {
                      if (element.name().stringValue().equals("value")
                          && element.value() instanceof AnnotationValue.OfString old) {
                        renames.put(old.stringValue(), entry.getKey());
                      }
                    }
                  }
                }
              });
    }
    return Map.copyOf(renames);
  }
}
