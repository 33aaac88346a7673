/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of the vigil binary. */
#ifndef VIGIL_AGENT_H
#define VIGIL_AGENT_H

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.1.0"
#endif

int cmd_trace(int argc, char **argv);

#endif /* VIGIL_AGENT_H */
