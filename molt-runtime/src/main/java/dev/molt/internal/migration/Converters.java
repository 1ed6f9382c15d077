package dev.molt.internal.migration;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PRIVATE;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_STATIC;
import static java.lang.classfile.ClassFile.ACC_SUPER;
import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_MethodHandles;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.CLASS_INIT_NAME;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Generates a {@link Converter} for one pair of record classes: a hidden class whose {@code
 * convert} calls, through a constant method handle, the new record's canonical constructor on the
 * old record's fields and the new components' defaults — no reflection, no boxing, no arrays, and
 * nothing the JIT cannot inline.
 *
 * <p>The hidden class names neither record (both have the same name, in two class loaders); it gets
 * the method handle as its class data. It is not tied to a class loader, so it goes when its plan
 * goes: when the old version is purged.
 */
final class Converters {
  private static final ClassDesc CONVERTER = ClassDesc.of(Converter.class.getName());
  private static final ClassDesc GENERATED =
      ClassDesc.of(Converter.class.getPackageName() + ".Generated");
  private static final MethodTypeDesc CONVERT = MethodTypeDesc.of(CD_Object, CD_Object);
  private static final byte[] BYTES = bytes();

  private Converters() {}

  /** A converter that applies {@code handle}, of type {@code (Object)Object}. */
  static Converter of(MethodHandle handle) {
    try {
      MethodHandles.Lookup hidden =
          MethodHandles.lookup()
              .defineHiddenClassWithClassData(
                  BYTES, handle.asType(MethodType.methodType(Object.class, Object.class)), true);
      return (Converter)
          hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("cannot generate a record converter: " + t, t);
    }
  }

  private static byte[] bytes() {
    return ClassFile.of()
        .build(
            GENERATED,
            clazz ->
                clazz
                    .withFlags(ACC_PUBLIC | ACC_FINAL | ACC_SUPER)
                    .withInterfaceSymbols(CONVERTER)
                    .withField("HANDLE", CD_MethodHandle, ACC_PRIVATE | ACC_STATIC | ACC_FINAL)
                    .withMethodBody(
                        CLASS_INIT_NAME,
                        MTD_void,
                        ACC_STATIC,
                        code ->
                            code.invokestatic(
                                    CD_MethodHandles,
                                    "lookup",
                                    MethodTypeDesc.of(CD_MethodHandles_Lookup))
                                .ldc("_")
                                .ldc(CD_MethodHandle)
                                .invokestatic(
                                    CD_MethodHandles,
                                    "classData",
                                    MethodTypeDesc.of(
                                        CD_Object, CD_MethodHandles_Lookup, CD_String, CD_Class))
                                .checkcast(CD_MethodHandle)
                                .putstatic(GENERATED, "HANDLE", CD_MethodHandle)
                                .return_())
                    .withMethodBody(
                        INIT_NAME,
                        MTD_void,
                        ACC_PUBLIC,
                        code ->
                            code.aload(0)
                                .invokespecial(CD_Object, INIT_NAME, MethodTypeDesc.of(CD_void))
                                .return_())
                    .withMethodBody(
                        "convert",
                        CONVERT,
                        ACC_PUBLIC | ACC_FINAL,
                        code ->
                            code.getstatic(GENERATED, "HANDLE", CD_MethodHandle)
                                .aload(1)
                                .invokevirtual(CD_MethodHandle, "invokeExact", CONVERT)
                                .areturn()));
  }
}
