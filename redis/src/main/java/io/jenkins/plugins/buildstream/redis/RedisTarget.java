package io.jenkins.plugins.buildstream.redis;

import java.net.URI;
import java.net.URISyntaxException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Where Redis is: {@code redis://host:port[/db]}. Parsed up front so a bad setting is refused with a one-line reason
 * instead of failing later on a replication thread.
 */
public record RedisTarget(String host, int port, int database) {
    /** Parses {@code redis://host[:port][/db]} (port 6379 and database 0 when left out). */
    public static RedisTarget parse(String url) {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a redis:// URL: " + url);
        }
        if (!"redis".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host:port[/db], got " + url);
        }
        if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null) {
            throw new IllegalArgumentException("only redis://host:port[/db] is supported, got " + url);
        }
        String path = u.getPath() == null ? "" : u.getPath();
        int db = 0;
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the database in " + url + " is not a number");
            }
            if (db < 0) {
                throw new IllegalArgumentException("the database in " + url + " is negative");
            }
        }
        return new RedisTarget(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), db);
    }

    /**
     * A pooled client. Short timeouts: the origin must notice an unreachable Redis quickly and go on serving from its
     * log files; the edge must answer 503 rather than hang a request.
     */
    RedisClient connect() {
        return RedisClient.builder()
                .hostAndPort(new HostAndPort(host, port))
                .clientConfig(DefaultJedisClientConfig.builder().database(database).connectionTimeoutMillis(1000)
                        .socketTimeoutMillis(2000).clientName("build-stream").build())
                .build();
    }

    @Override
    public String toString() {
        return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }
}
