package io.jenkins.plugins.buildstream.core;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;

/**
 * Writes a stream's events to its servlet output, through the container's {@code write(ByteBuffer)} where it has one
 * (Jetty's {@code HttpOutput} does, and so does Servlet 6.1's {@code ServletOutputStream}).
 *
 * <p>Why: Jetty copies every {@code write(byte[])} that is smaller than its aggregation size (8 KiB) into an
 * aggregation buffer of the response's buffer size (32 KiB, direct memory by default), which it takes from its pool on
 * the first such write and keeps until the response completes. A stream's first write is a 13-byte {@code retry}, so
 * every open stream, idle or not, held 32 KiB of native memory: 320 MB at 10,000 subscribers, two thirds of the
 * server's RSS. Jetty's {@code write(ByteBuffer)} never aggregates; each event goes to the connection as it is.
 * Writes of at least the buffer size are cut into buffer-size pieces, one system call each, so {@link Admission} also
 * raises the buffer size of such streams: with no aggregation it sizes nothing but those pieces.
 */
final class EventOutput {
    private static final MethodType WRITE = MethodType.methodType(void.class, ServletOutputStream.class,
            ByteBuffer.class);

    /** How a container class takes buffers: its own public {@code write(ByteBuffer)}, and whether that is Jetty's. */
    private record BufferWrite(MethodHandle handle, boolean jetty) {}

    /** Looked up once per output class; null: events go through {@code write(byte[])}. */
    private static final ClassValue<BufferWrite> BUFFER_WRITE = new ClassValue<>() {
        @Override
        protected BufferWrite computeValue(Class<?> type) {
            try {
                Method m = type.getMethod("write", ByteBuffer.class);
                // Not the API's own default, which copies into write(byte[]) and so would aggregate all the same.
                if (m.getDeclaringClass() == ServletOutputStream.class || !Modifier.isPublic(m.getModifiers())
                        || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                    return null;
                }
                return new BufferWrite(MethodHandles.publicLookup().unreflect(m).asType(WRITE),
                        m.getDeclaringClass().getName().startsWith("org.eclipse.jetty."));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    };

    private EventOutput() {
    }

    /**
     * True if every {@link #write} to {@code out} is sent to the connection by itself, so that there is nothing to
     * flush: Jetty's {@code write(ByteBuffer)} does that. Another container's may buffer (Tomcat's does), so it keeps
     * its flushes.
     */
    static boolean sendsAtOnce(ServletOutputStream out) {
        BufferWrite w = BUFFER_WRITE.get(out.getClass());
        return w != null && w.jetty();
    }

    /** True if {@code out} takes events as buffers, without aggregating them. */
    static boolean writesBuffers(ServletOutputStream out) {
        return BUFFER_WRITE.get(out.getClass()) != null;
    }

    /** Writes {@code b}, which must not change afterwards: the container may still hold it after this returns. */
    static void write(ServletOutputStream out, byte[] b) throws IOException {
        BufferWrite w = BUFFER_WRITE.get(out.getClass());
        if (w == null) {
            out.write(b);
            return;
        }
        try {
            w.handle().invokeExact(out, ByteBuffer.wrap(b));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
