package io.jenkins.plugins.buildstream.bench;

/** One benchmark workload: runs against its own server and adds its figures to the run's table. */
interface Workload {
    void run() throws Exception;
}
