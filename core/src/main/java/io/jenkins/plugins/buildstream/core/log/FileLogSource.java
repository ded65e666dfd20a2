package io.jenkins.plugins.buildstream.core.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads a log file through one lazily opened channel, so many subscribers of a build share one descriptor. */
final class FileLogSource implements LogSource {
    private final Path file;
    private FileChannel channel;

    FileLogSource(Path file) {
        this.file = file;
    }

    @Override
    public long length() throws IOException {
        // Size by path, not by the open channel: a deleted or replaced log must be noticed.
        return Files.size(file);
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        return channel.read(dst, position);
    }

    @Override
    public Object identity() throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
