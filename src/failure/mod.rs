//! Failure replies (BOLT #4 "Returning Errors"): build and wrap them at a hop, unwrap them
//! at the origin, decode the failure message and its `channel_update`, verify attribution
//! data, and turn the result into the man page's routing failure object.

mod message;
mod reply;
mod routing;
mod update;

pub use message::{BADONION, FailureMessage, NODE, PERM, UPDATE, failcode_name};
pub use reply::{
    ATTRIBUTION_LEN, ATTRIBUTION_MAX_HOPS, AttributionData, AttributionReport, DecodedReply, DecryptedReply,
    UnwrapError, add_attribution, create_reply, decode_reply, failure_packet, reply_from_hop, unwrap_reply, wrap_reply,
};
pub use routing::{
    DECODED_HERE, ErringChannel, PAY_DESTINATION_PERM_FAIL, PAY_TRY_OTHER_ROUTE, PAY_UNPARSEABLE_ONION, RoutingFailure,
};
pub use update::{ChannelUpdate, UnsignedChannelUpdate};
