/* SPDX-License-Identifier: MIT */
/* The program's epoll registrations of its TCP sockets, as it made them. While a socket's
 * handshake runs asynchronously, the kernel holds the handshake's events and a marker
 * for it instead; when the handshake ends, the program's own come back (the kernel then
 * re-evaluates readiness, so an edge-triggered program still gets its EPOLLOUT). */
#ifndef SX_PRELOAD_EPOLL_SHADOW_H
#define SX_PRELOAD_EPOLL_SHADOW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

/* epoll_ctl() for a TCP socket of ours: recorded, then done with the handshake's events
 * when pending (need: what it waits for). The real call's result, errno set. */
int sx_epoll_shadow_ctl(int epfd, int op, int fd, struct epoll_event *ev, bool pending,
			uint32_t need);
/* The handshake on fd now waits for need: every registration of fd carries it. */
void sx_epoll_shadow_hijack(int fd, uint32_t need);
/* A fresh socket was put under fd (its registrations died with the old one). */
void sx_epoll_shadow_readd(int fd, uint32_t need);
/* The handshake ended: the program's registrations back, and the records go. */
void sx_epoll_shadow_restore(int fd);
/* The handshake failed: each registration fires once more under the marker, so the wait
 * can report the failure as the program registered for it (sx_epoll_shadow_report). */
void sx_epoll_shadow_failed(int fd);
/* For a marker event from epfd of a failed handshake: the event the program gets (its
 * data; EPOLLERR|EPOLLHUP and the directions it asked for), its registration back.
 * false if there is none to report. */
bool sx_epoll_shadow_report(int epfd, int fd, struct epoll_event *out);
/* A fresh socket is about to be put under fd (tcp/tcp_bind.c hands the old one out under
 * another number): detach takes fd's registrations off the old one, reattach puts them
 * on the new one as the program made them. */
void sx_epoll_shadow_detach(int fd);
void sx_epoll_shadow_reattach(int fd);
/* Registrations that carry a marker now: the waits' fast path reads it. */
extern atomic_int sx_epoll_shadow_markers __attribute__((visibility("hidden")));
/* fd is closed or is a new socket: its records go. */
void sx_epoll_shadow_forget(int fd);
/* Whether an event's data is a handshake's marker; *fd gets the socket. */
bool sx_epoll_shadow_marker(uint64_t data, int *fd);

#endif
