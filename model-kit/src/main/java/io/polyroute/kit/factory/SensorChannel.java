package io.polyroute.kit.factory;

/**
 * One of the 32 sensor channels every simulated machine reports.
 *
 * @param name the feature name, with its unit as suffix (e.g. {@code motor_temp_c})
 * @param group the physical kind of the channel
 * @param base the typical reading
 * @param span the typical range around {@code base}
 */
record SensorChannel(String name, Group group, double base, double span) {

    /** The physical kind of a channel; channels of one kind respond to the operating state alike. */
    enum Group {
        TEMPERATURE,
        VIBRATION,
        PRESSURE,
        ELECTRICAL,
        PROCESS
    }
}
