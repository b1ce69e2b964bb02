"""RTP packetization of H.264 (RFC 6184) as the simulated cameras send it, and RTSP message reading."""

from __future__ import annotations

import os

import pytest

from drivers.simulator.camera_auth import REALM, Guard, parse_params
from drivers.simulator.camera_rtsp import Interleaved, Malformed, MessageReader, Request, interleaved
from drivers.simulator.camera_session import choose_transport
from drivers.simulator.rtp import FU_A, Packetizer, Reassembly, RtpHeader, payload_of, split_annexb


def nal(kind: int, size: int, nri: int = 3) -> bytes:
    return bytes(((nri << 5) | kind,)) + os.urandom(size - 1)


def test_annexb_split_handles_3_and_4_byte_start_codes():
    a, b, c = nal(7, 10), nal(8, 4), nal(5, 300)
    stream = b"\x00\x00\x00\x01" + a + b"\x00\x00\x01" + b + b"\x00\x00\x00\x01" + c
    assert split_annexb(stream) == [a, b, c]
    assert split_annexb(b"") == []


def test_small_nals_go_one_per_packet_marker_on_the_last():
    p = Packetizer(ssrc=0x1234, seq=65534, max_payload=1400)
    nals = [nal(7, 20), nal(8, 5), nal(5, 900)]
    packets = p.packets(nals, 0x1_0000_0005)
    headers = [RtpHeader(x) for x in packets]
    assert [payload_of(x) for x in packets] == nals
    assert [h.seq for h in headers] == [65534, 65535, 0]  # wraps
    assert [h.marker for h in headers] == [False, False, True]
    assert {h.timestamp for h in headers} == {5}  # 32 bits
    assert {h.ssrc for h in headers} == {0x1234} and {h.payload_type for h in headers} == {96}


@pytest.mark.parametrize("size", [1401, 2797, 2798, 50_000])
def test_fu_a_fragments_reassemble_to_the_nal(size):
    p = Packetizer(max_payload=1400)
    big = nal(5, size, nri=2)
    packets = p.packets([nal(7, 12), big], 9000)
    payloads = [payload_of(x) for x in packets]
    assert all(len(x) <= 1400 for x in payloads)
    fragments = payloads[1:]
    assert len(fragments) > 1
    assert all(f[0] & 0x1F == FU_A and f[0] & 0x60 == 0x40 for f in fragments)  # type 28, NRI of the NAL
    assert fragments[0][1] & 0x80 and not fragments[0][1] & 0x40  # start
    assert fragments[-1][1] & 0x40 and not fragments[-1][1] & 0x80  # end
    assert [RtpHeader(x).marker for x in packets] == [False] * (len(packets) - 1) + [True]
    r = Reassembly()
    out = [n for x in payloads for n in r.push(x)]
    assert out[1] == big and len(out) == 2


def test_lost_fu_a_start_is_dropped_not_glued():
    p = Packetizer(max_payload=100)
    payloads = [payload_of(x) for x in p.packets([nal(1, 450)], 0)]
    r = Reassembly()
    assert [n for x in payloads[1:] for n in r.push(x)] == []


def test_reader_splits_requests_and_interleaved_frames_however_they_arrive():
    wire = (
        b"OPTIONS rtsp://h/cam1 RTSP/1.0\r\nCSeq: 1\r\n\r\n"
        + interleaved(1, b"rtcp-report")
        + b"SET_PARAMETER rtsp://h/cam1 RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nhello"
    )
    for step in (1, 3, len(wire)):
        reader = MessageReader()
        out = [m for i in range(0, len(wire), step) for m in reader.feed(wire[i : i + step])]
        assert [type(m) for m in out] == [Request, Interleaved, Request]
        assert out[0].method == "OPTIONS" and out[0].cseq == "1"
        assert out[1] == Interleaved(1, b"rtcp-report")
        assert out[2].body == b"hello"


def test_reader_reports_garbage_and_goes_on():
    reader = MessageReader()
    out = reader.feed(b"hello there\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\nDESCRIBE x RTSP/1.0\r\n\r\n")
    assert isinstance(out[0], Malformed)
    assert isinstance(out[1], Request) and out[1].cseq == "7"
    assert isinstance(out[2], Malformed)  # no CSeq
    huge = reader.feed(b"A" * 20_000)
    assert isinstance(huge[0], Malformed) and huge[0].fatal


def test_transport_choice():
    tcp = choose_transport("RTP/AVP/TCP;unicast;interleaved=2-3")
    assert tcp is not None and tcp.tcp and tcp.channels == (2, 3)
    udp = choose_transport("RTP/AVP/TCP;multicast, RTP/AVP;unicast;client_port=5000-5001")
    assert udp is not None and not udp.tcp and udp.client_ports == (5000, 5001)
    assert choose_transport("RTP/AVP;multicast;port=5000-5001") is None
    assert choose_transport("RAW/RAW/UDP;unicast") is None
    assert choose_transport("RTP/AVP;unicast") is None  # UDP without client_port


def test_digest_and_basic_guards():
    import base64
    import hashlib

    def md5(s: str) -> str:
        return hashlib.md5(s.encode()).hexdigest()

    g = Guard("admin", "s3cret", "digest")
    challenge = parse_params(g.challenge().partition(" ")[2])
    nonce = challenge["nonce"]
    assert challenge["realm"] == REALM
    uri = "rtsp://127.0.0.1:8554/cam1"

    def digest(password: str, nonce: str = nonce) -> str:
        ha1, ha2 = md5(f"admin:{REALM}:{password}"), md5(f"DESCRIBE:{uri}")
        resp = md5(f"{ha1}:{nonce}:{ha2}")
        return f'Digest username="admin", realm="{REALM}", nonce="{nonce}", uri="{uri}", response="{resp}"'

    assert g.check("DESCRIBE", digest("s3cret")) == (True, False)
    assert g.check("DESCRIBE", digest("wrong")) == (False, False)
    assert g.check("DESCRIBE", digest("s3cret", nonce="0" * 32)) == (False, True)  # a nonce we never gave
    assert g.check("DESCRIBE", None) == (False, False)
    b = Guard("admin", "s3cret", "basic")
    assert b.challenge().startswith("Basic realm=")
    good = "Basic " + base64.b64encode(b"admin:s3cret").decode()
    assert b.check("DESCRIBE", good) == (True, False)
    assert b.check("DESCRIBE", "Basic " + base64.b64encode(b"admin:nope").decode()) == (False, False)
    assert b.check("DESCRIBE", "Basic !!!") == (False, False)


class FakeTransport:
    """What a session needs of an asyncio transport: the backlog it reports and what it was given."""

    def __init__(self) -> None:
        self.backlog = 0
        self.written: list[bytes] = []

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return self.backlog

    def write(self, data: bytes) -> None:
        self.written.append(data)


class FakeConnection:
    def __init__(self) -> None:
        self.transport = FakeTransport()


def rtp_of(written: list[bytes]) -> list[bytes]:
    """The RTP packets inside interleaved frames."""
    reader = MessageReader()
    return [m.data for chunk in written for m in reader.feed(chunk) if isinstance(m, Interleaved)]


def test_a_session_starts_at_a_keyframe_and_skips_to_the_next_when_its_viewer_lags():
    from drivers.simulator.camera_encoder import AccessUnit
    from drivers.simulator.camera_session import MAX_BACKLOG, CameraSession, Setup

    sps, pps = nal(7, 10), nal(8, 4)
    conn = FakeConnection()
    session = CameraSession("s1", "CAM-1", conn, Setup(True, channels=(4, 5)), None)
    p_frame = AccessUnit([nal(1, 300)], 1_000, False, 1)
    bare_key = AccessUnit([nal(5, 3000)], 1_067, True, 2)  # an IDR without SPS/PPS in front

    assert session.send(p_frame, sps, pps) is False
    assert conn.transport.written == []  # a new viewer waits for a keyframe
    session.send(bare_key, sps, pps)
    r = Reassembly()
    got = [n for packet in rtp_of(conn.transport.written) for n in r.push(payload_of(packet))]
    assert got[:2] == [sps, pps] and got[2] == bare_key.nals[0]  # parameter sets put in front
    assert conn.transport.written[0][:2] == b"$\x04"  # on its interleaved channel
    conn.transport.written.clear()

    conn.transport.backlog = MAX_BACKLOG + 1
    assert session.send(p_frame, sps, pps) is True  # lagging: ask the encoder for a keyframe once
    assert session.send(p_frame, sps, pps) is False
    conn.transport.backlog = 0
    session.send(p_frame, sps, pps)
    assert conn.transport.written == []  # no broken picture after the skip
    session.send(bare_key, sps, pps)
    assert conn.transport.written and session.waiting_key is False
    ts = {RtpHeader(p).timestamp for p in rtp_of(conn.transport.written)}
    assert ts == {session.rtp_time(1_067)}
