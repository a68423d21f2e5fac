class TicketDigestJob < ApplicationJob
  def perform; end
end
