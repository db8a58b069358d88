package dev.gantry.workers.runtime;

/**
 * Where a worker's traffic goes now: its versions' loopback ports by percentage, all served by one
 * workerd process.
 *
 * @param split ports by share
 * @param process the process serving them, which counts the requests in flight
 */
record Route(TrafficSplit<Integer> split, WorkerdProcess process) {}
