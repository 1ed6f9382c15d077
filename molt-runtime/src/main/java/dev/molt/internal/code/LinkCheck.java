package dev.molt.internal.code;

import dev.molt.code.CodeException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Links a prepared module ahead of time: defines every class (a corrupt class file fails here, not
 * at its first use) and checks that every class each one names — in its constant pool and in the
 * signatures of its fields and methods — is visible to the module's class loader. Uses the JDK's
 * ClassFile API; nothing is initialised.
 */
final class LinkCheck {
  private LinkCheck() {}

  static void check(ModuleVersion version) {
    ModuleClassLoader loader = version.loader;
    for (Map.Entry<String, byte[]> entry : version.bytes.entrySet()) {
      try {
        loader.ownClass(entry.getKey());
      } catch (ClassFormatError | NoClassDefFoundError | SecurityException e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module " + version + ": class " + entry.getKey() + " cannot be defined: " + e,
            e);
      } catch (LinkageError e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module " + version + ": class " + entry.getKey() + " cannot be defined: " + e,
            e);
      }
    }
    for (Map.Entry<String, byte[]> entry : version.bytes.entrySet()) {
      for (String referenced : referencedClasses(entry.getValue())) {
        if (version.bytes.containsKey(referenced)) {
          continue;
        }
        try {
          Class.forName(referenced, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          throw new CodeException(
              CodeException.Kind.MISSING_DEPENDENCY,
              "module "
                  + version
                  + ": class "
                  + entry.getKey()
                  + " needs "
                  + referenced
                  + ", which neither the module, the modules it depends on "
                  + version.source.dependsOn()
                  + " nor the stable layer define");
        }
      }
    }
  }

  static Set<String> referencedClasses(byte[] bytes) {
    ClassModel model = ClassFile.of().parse(bytes);
    Set<String> names = new LinkedHashSet<>();
    for (PoolEntry entry : model.constantPool()) {
      if (entry instanceof ClassEntry classEntry) {
        add(names, classEntry.asSymbol());
      }
    }
    for (FieldModel field : model.fields()) {
      add(names, field.fieldTypeSymbol());
    }
    for (MethodModel method : model.methods()) {
      add(names, method.methodTypeSymbol().returnType());
      for (ClassDesc parameter : method.methodTypeSymbol().parameterList()) {
        add(names, parameter);
      }
    }
    return names;
  }

  private static void add(Set<String> names, ClassDesc desc) {
    while (desc.isArray()) {
      desc = desc.componentType();
    }
    if (desc.isClassOrInterface()) {
      String descriptor = desc.descriptorString();
      names.add(descriptor.substring(1, descriptor.length() - 1).replace('/', '.'));
    }
  }
}
